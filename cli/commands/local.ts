/**
 * `local`: start the stand-ins with a sample organization (local/playground.ts) so that every other
 * command can be tried without AWS or Genesys Cloud; print how to point the CLI at them; run until
 * SIGINT or SIGTERM, then stop them. The stand-ins are loaded only when this command runs.
 */
import { ValidationError } from '../../lambdas/core/errors';
import { numberOption, PROGRAM, stringOption, type CommandSpec, type ParsedCommand } from '../args';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliIo, Output } from '../io';
import { table } from '../render/text';
import type * as PlaygroundModule from '../../local/playground';
import type { PlaygroundInfo } from '../../local/playground';

const MAX_PORT = 65_535;

/** The commands the printed instructions suggest: each works on the sample organization as it starts. */
export const LOCAL_EXAMPLES = [
  `${PROGRAM} status`,
  `${PROGRAM} rotate genesys-rotator/acme/jobs`,
  `${PROGRAM} emergency genesys-rotator/acme/crm --reason "secret pasted in ticket 4711" --yes`,
  `${PROGRAM} verify`,
  `${PROGRAM} report --html rotation-report.html`,
] as const;

/** With --empty: bootstrap first (it reads the first admin secret from the file), then the rest. */
export function emptyExamples(secretFile: string): readonly string[] {
  return [`${PROGRAM} bootstrap < ${secretFile}`, `${PROGRAM} status`, `${PROGRAM} verify`];
}

export const localCommand: CommandSpec = {
  name: 'local',
  summary: 'Start local stand-ins of AWS and Genesys Cloud with a sample organization, to try every command',
  usage: 'local [--aws-port PORT] [--genesys-port PORT] [--empty]',
  description: [
    'Starts, in this process and on 127.0.0.1, the stand-ins of Secrets Manager + EventBridge and of Genesys',
    'Cloud, with a sample organization Acme: an admin pair (genesys-rotator/acme/admin), a single client',
    '(genesys-rotator/acme/crm) and an alternating pair (genesys-rotator/acme/jobs), wired as the stack wires a',
    'deployment: each secret tagged and bound, with the real rotate function as its rotation function on a',
    'rate(30 days) schedule; the real notify function on each rotated event, updating a Data Actions',
    'integration credential (crm) and posting a signed webhook (crm, jobs) to a receiver that verifies it.',
    'Prints the environment variables and flags that point the other commands at them, then reports each',
    'rotation and notification until stopped (Ctrl-C or SIGTERM). Nothing is kept. --json prints the same',
    'facts as one JSON document on stdout (activity goes to stderr). Never prints a secret. --empty starts as a',
    'freshly deployed stack instead: every secret holds the placeholder (clientSecret ""), and the first admin',
    'client\'s secret, as the Genesys UI shows it once, is in a file (mode 600) for "bootstrap" to read on stdin.',
  ].join('\n'),
  options: {
    'aws-port': { type: 'string', value: 'PORT', description: 'Port of the Secrets Manager + EventBridge stand-in (default: a free one)' },
    'genesys-port': { type: 'string', value: 'PORT', description: 'Port of the Genesys Cloud stand-in (default: a free one)' },
    empty: { type: 'boolean', description: 'Start as a freshly deployed stack (placeholder secrets), to try "bootstrap"' },
  },
  positionals: { min: 0, max: 0 },
  examples: [`${PROGRAM} local`, `${PROGRAM} local --aws-port 4566 --genesys-port 4567`, `${PROGRAM} local --json`, `${PROGRAM} local --empty`],
  standalone: true,
};

function portOption(parsed: ParsedCommand, name: string): number | undefined {
  if (stringOption(parsed.values, name) === undefined) return undefined;
  const port = numberOption(parsed.values, name, 0, { integer: true, min: 1 });
  if (port > MAX_PORT) throw new ValidationError('Invalid command line', `--${name}`, `a port from 1 to ${MAX_PORT} (got "${String(port)}")`);
  return port;
}

/** Node's "address in use" (or "not allowed") error of a listen call, by its code. */
function listenErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === 'EADDRINUSE' || code === 'EACCES' ? code : undefined;
}

/**
 * The stand-ins, loaded on first use: the other commands never load them. (A bundled require: esbuild
 * keeps the module in a bundle but runs it only here.)
 */
function loadPlayground(): typeof PlaygroundModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../local/playground') as typeof PlaygroundModule;
}

/** The process's SIGINT or SIGTERM, once (the default of `CliIo.untilStopped`). */
async function processSignal(): Promise<string> {
  return await new Promise<string>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function renderLocalInfo(info: PlaygroundInfo): string[] {
  const [admin] = info.secrets;
  const clients = (ids: readonly string[]): string => (ids.length === 2 ? `${ids[0] ?? ''} (current), ${ids[1] ?? ''} (standby)` : ids.join(', '));
  return [
    `${PROGRAM} local: stand-ins running with a sample organization. Ctrl-C stops them; nothing is kept.`,
    '',
    ...table(
      ['STAND-IN', 'URL', ''],
      [
        ['Secrets Manager + EventBridge', info.aws.endpoint, `region ${info.aws.region}, account ${info.aws.accountId}`],
        ['Genesys Cloud', info.genesys.baseUrl, `organization ${info.genesys.organization.name} (${info.genesys.environment})`],
        ['rotate and notify functions', '(in process)', 'the real handlers, wired as the stack wires them'],
      ],
    ).split('\n'),
    '',
    ...table(
      ['SECRET', 'STRATEGY', 'CLIENTS', 'TOLD OF EACH ROTATION'],
      info.secrets.map((secret) => [secret.name, secret.strategy, clients(secret.clientIds), secret.dependents.length === 0 ? '-' : secret.dependents.join(', ')]),
    ).split('\n'),
    `${admin?.name ?? 'The admin secret'} is the admin pair: its active client regenerates the other secrets, and its own standby.`,
    `Each secret rotates on ${admin?.schedule ?? 'its schedule'} through the rotate function; "rotate" and "emergency" run it at once.`,
    ...(info.firstAdminSecretFile !== undefined
      ? [
          'As freshly deployed: every secret holds the placeholder (clientSecret ""). The first admin client\'s secret, as the',
          `Genesys UI showed it once, is in ${info.firstAdminSecretFile} (mode 600, removed on stop): give it to "bootstrap" on stdin.`,
        ]
      : []),
    '',
    'Point the CLI at them (in another shell):',
    ...Object.entries(info.env).map(([name, value]) => `  export ${name}=${value}`),
    'or give each command these flags (the AWS keys still come from the environment; any value works here):',
    `  ${info.flags.join(' ')}`,
    '',
    `Then try (from a checkout, "npm run cli --" in place of "${PROGRAM}"):`,
    ...(info.firstAdminSecretFile !== undefined ? emptyExamples(info.firstAdminSecretFile) : LOCAL_EXAMPLES).map((example) => `  ${example}`),
    '',
    'Activity:',
  ];
}

export async function runLocal(parsed: ParsedCommand, out: Output, io: CliIo): Promise<ExitCode> {
  const awsPort = portOption(parsed, 'aws-port');
  const genesysPort = portOption(parsed, 'genesys-port');
  if (awsPort !== undefined && awsPort === genesysPort) {
    throw new ValidationError('Invalid command line', '--genesys-port', `a port other than --aws-port (both are ${String(awsPort)})`);
  }
  // Activity lines follow the instructions on stdout; with --json, stdout holds the one document.
  const activity = (line: string): void => {
    if (out.json) io.stderr.write(`${line}\n`);
    else io.stdout.write(`${line}\n`);
  };
  const { startPlayground } = loadPlayground();
  let playground: PlaygroundModule.Playground;
  try {
    playground = await startPlayground({
      ...(awsPort !== undefined ? { awsPort } : {}),
      ...(genesysPort !== undefined ? { genesysPort } : {}),
      ...(parsed.values.empty === true ? { empty: true } : {}),
      onActivity: activity,
    });
  } catch (error) {
    const code = listenErrorCode(error);
    if (code === undefined) throw error;
    const flag = awsPort !== undefined && genesysPort !== undefined ? '--aws-port/--genesys-port' : awsPort !== undefined ? '--aws-port' : '--genesys-port';
    throw new ValidationError('Cannot start the local stand-ins', flag, `a port this user may listen on that is free on 127.0.0.1 (${code})`, { cause: error });
  }
  try {
    const examples = playground.info.firstAdminSecretFile !== undefined ? emptyExamples(playground.info.firstAdminSecretFile) : LOCAL_EXAMPLES;
    if (out.json) out.document({ ...playground.info, examples, stop: 'SIGINT (Ctrl-C) or SIGTERM' });
    else for (const line of renderLocalInfo(playground.info)) out.line(line);
    const signal = await (io.untilStopped ?? processSignal)();
    activity(`${signal}: stopping the stand-ins`);
  } finally {
    await playground.close();
  }
  activity('stopped; nothing was kept');
  return EXIT.ok;
}
