/**
 * The operator CLI (`genesys-rotator`): parses the command line, builds the clients, runs one command
 * and maps the outcome to an exit code. Testable in-process: `runCli(argv, io)` never touches process
 * globals and returns the exit code; bin/cli.ts wires it to the real process.
 */
import { SecretsManagerError, SecretDocumentError, ValidationError, RotatorError } from '../lambdas/core/errors';
import { commandHelp, parseCommand, PROGRAM, programHelp, splitCommand, type CommandSpec, type ParsedCommand } from './args';
import { bootstrapCommand, runBootstrap } from './commands/bootstrap';
import { discoverCommand, runDiscover } from './commands/discover';
import { emergencyCommand, runEmergency } from './commands/emergency';
import { historyCommand, runHistory } from './commands/history';
import { localCommand, runLocal } from './commands/local';
import { pairCommand, runPair } from './commands/pair';
import { planCommand, runPlan } from './commands/plan';
import { reportCommand, runReport } from './commands/report';
import { rotateCommand, runRotate } from './commands/rotate';
import { runStatus, statusCommand } from './commands/status';
import { runVerify, verifyCommand } from './commands/verify';
import { createContext, type CliContext } from './context';
import { EXIT, type ExitCode } from './exit-codes';
import { createOutput, type CliIo, type Output } from './io';
import { createProgress, type Progress } from './progress';

export type { CliIo } from './io';
export { EXIT } from './exit-codes';

type Runner = (ctx: CliContext, parsed: ParsedCommand, out: Output, progress: Progress, io: CliIo) => Promise<ExitCode>;
/** A command that needs no AWS or Genesys Cloud clients (`CommandSpec.standalone`). */
type StandaloneRunner = (parsed: ParsedCommand, out: Output, io: CliIo) => Promise<ExitCode>;

type Command = { readonly spec: CommandSpec; readonly run: Runner } | { readonly spec: CommandSpec & { readonly standalone: true }; readonly runStandalone: StandaloneRunner };

const COMMANDS: readonly Command[] = [
  { spec: statusCommand, run: async (ctx, parsed, out) => await runStatus(ctx, parsed, out) },
  { spec: rotateCommand, run: async (ctx, parsed, out, progress) => await runRotate(ctx, parsed, out, progress) },
  { spec: emergencyCommand, run: runEmergency },
  { spec: verifyCommand, run: async (ctx, parsed, out) => await runVerify(ctx, parsed, out) },
  { spec: planCommand, run: async (ctx, parsed, out) => await runPlan(ctx, parsed, out) },
  { spec: reportCommand, run: async (ctx, parsed, out, _progress, io) => await runReport(ctx, parsed, out, io) },
  { spec: historyCommand, run: async (ctx, parsed, out, _progress, io) => await runHistory(ctx, parsed, out, io) },
  { spec: discoverCommand, run: async (ctx, parsed, out) => await runDiscover(ctx, parsed, out) },
  { spec: pairCommand, run: async (ctx, parsed, out) => await runPair(ctx, parsed, out) },
  { spec: bootstrapCommand, run: runBootstrap },
  { spec: { ...localCommand, standalone: true }, runStandalone: runLocal },
];

const SPECS = COMMANDS.map((command) => command.spec);

/** A usage error: bad flags, unknown or unmanaged secret. A secret document the rotator cannot use is not one. */
function isUsageError(error: unknown): error is ValidationError {
  return error instanceof ValidationError && !(error instanceof SecretDocumentError);
}

/** What to do about AWS credential failures, by the SDK's error name. */
const CREDENTIAL_HINTS: Readonly<Record<string, string>> = {
  CredentialsProviderError: `no AWS credentials found. Set AWS_PROFILE (or --profile) to a profile that may read the secrets, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; to try the CLI without AWS, run "${PROGRAM} local" and use the variables it prints`,
  ExpiredTokenException: 'the AWS credentials have expired: renew them (e.g. "aws sso login" for an SSO profile) and run the command again',
  ExpiredToken: 'the AWS credentials have expired: renew them (e.g. "aws sso login" for an SSO profile) and run the command again',
  UnrecognizedClientException: 'AWS does not recognise these credentials: check AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and the Region',
};

/** Message for people: ours as written; the SDK's service message added (AWS messages carry no secret). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return 'unexpected failure';
  const credentialHint = error instanceof SecretsManagerError && error.awsErrorName !== undefined ? CREDENTIAL_HINTS[error.awsErrorName] : undefined;
  if (credentialHint !== undefined) return `${error.message}: ${credentialHint}`;
  if (error instanceof SecretsManagerError && error.cause instanceof Error && error.cause.message !== '' && error.cause.message !== error.awsErrorName) {
    return `${error.message} (${error.cause.message})`;
  }
  return error instanceof RotatorError ? error.message : `${error.name}: ${error.message}`;
}

function report(io: CliIo, json: boolean, code: ExitCode, error: unknown): ExitCode {
  const message = errorText(error);
  io.stderr.write(`${PROGRAM}: error: ${message}\n`);
  if (json) io.stdout.write(`${JSON.stringify({ error: { type: error instanceof Error ? error.name : 'Error', message }, exitCode: code }, null, 2)}\n`);
  return code;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { command, rest } = splitCommand(argv);
  const wantsJson = rest.includes('--json');

  if (command === undefined || command === 'help') {
    const topic = command === 'help' ? rest.find((arg) => !arg.startsWith('-')) : undefined;
    const spec = SPECS.find((s) => s.name === topic);
    if (command === undefined && !rest.includes('--help') && !rest.includes('-h')) {
      io.stderr.write(programHelp(SPECS));
      return EXIT.usage;
    }
    io.stdout.write(spec !== undefined ? commandHelp(spec) : programHelp(SPECS));
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.spec.name === command);
  if (entry === undefined) {
    return report(io, wantsJson, EXIT.usage, new ValidationError('Invalid command line', 'command', `one of ${SPECS.map((s) => s.name).join(', ')} (got "${command}"); see ${PROGRAM} --help`));
  }

  let parsed: ParsedCommand;
  try {
    parsed = parseCommand(entry.spec, rest);
  } catch (error) {
    return report(io, wantsJson, EXIT.usage, error);
  }
  if (parsed.values.help === true) {
    io.stdout.write(commandHelp(entry.spec));
    return EXIT.ok;
  }
  const json = parsed.values.json === true;

  if ('runStandalone' in entry) {
    try {
      return await entry.runStandalone(parsed, createOutput(io, json), io);
    } catch (error) {
      return report(io, json, isUsageError(error) ? EXIT.usage : EXIT.checkFailed, error);
    }
  }

  let ctx: CliContext;
  try {
    ctx = createContext(parsed.values, io);
  } catch (error) {
    return report(io, json, isUsageError(error) ? EXIT.usage : EXIT.checkFailed, error);
  }
  const progress = createProgress(io);
  try {
    return await entry.run(ctx, parsed, createOutput(io, json), progress, io);
  } catch (error) {
    progress.done();
    return report(io, json, isUsageError(error) ? EXIT.usage : EXIT.checkFailed, error);
  } finally {
    ctx.close();
  }
}
