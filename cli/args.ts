/**
 * Command-line parsing on node:util `parseArgs`: global options (AWS CLI conventions), per-command
 * options, and `--help` text generated from the same table so the two cannot disagree.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ValidationError } from '../lambdas/core/errors';
import { EXIT_CODES_HELP } from './exit-codes';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder in help, e.g. `SECONDS`. */
  readonly value?: string;
  readonly description: string;
  /**
   * A flag the command refuses on purpose, with what to do instead (e.g. a secret, which must never
   * be an argument). Left out of `--help`; its value is never repeated in the error.
   */
  readonly refused?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** e.g. `emergency <secret> --reason TEXT [--yes]` */
  readonly usage: string;
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: { readonly min: number; readonly max: number };
  readonly examples?: readonly string[];
  /**
   * Runs without AWS or Genesys Cloud connections (`local`): of the global options it takes only
   * `--json` and `--help`, and no clients are built for it.
   */
  readonly standalone?: boolean;
}

export const PROGRAM = 'genesys-rotator';

const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'Print one JSON document on stdout instead of tables' };
const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'Show help' };

/** Options every command accepts, named as the AWS CLI names them. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  region: { type: 'string', value: 'REGION', description: 'AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)' },
  profile: { type: 'string', value: 'NAME', description: 'AWS profile (default: AWS_PROFILE)' },
  'endpoint-url': {
    type: 'string',
    value: 'URL',
    description:
      'Endpoint for Secrets Manager, DynamoDB (the rotation ledger) and STS (default, per service: AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL)',
  },
  'genesys-base-url': {
    type: 'string',
    value: 'URL',
    description: 'One base URL for Genesys Cloud /oauth/token and /api/v2, for the local stand-ins (default: GENESYS_CLOUD_BASE_URL; unset in production)',
  },
  json: JSON_OPTION,
  help: HELP_OPTION,
};

/** The global options a standalone command takes. */
const STANDALONE_GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = { json: JSON_OPTION, help: HELP_OPTION };

export function globalOptionsOf(spec: CommandSpec): Readonly<Record<string, OptionSpec>> {
  return spec.standalone === true ? STANDALONE_GLOBAL_OPTIONS : GLOBAL_OPTIONS;
}

export type ParsedValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedCommand {
  readonly values: ParsedValues;
  readonly positionals: readonly string[];
}

/** The command word and the other arguments, skipping global options (and their values) before it. */
export function splitCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') break;
    if (token.startsWith('-')) {
      const name = token.replace(/^--?/, '');
      if (!token.includes('=') && GLOBAL_OPTIONS[name]?.type === 'string') i++;
      continue;
    }
    return { command: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: [...argv] };
}

export function usageError(field: string, expected: string): ValidationError {
  return new ValidationError('Invalid command line', field, expected);
}

const NEGATIVE_NUMBER = /^-\d/;

/**
 * The arguments checked against the option table before node:util `parseArgs` sees them, so that every
 * mistake is told in our words (parseArgs' messages speak of its own syntax, e.g. "use '--x=-XYZ'"):
 * an unknown option, a switch given a value, an option without its value or followed by another option.
 * A negative number after an option is its value (`--due-soon-days -3` reads as `--due-soon-days=-3`;
 * the option's own check then refuses it).
 * @returns the arguments to hand to parseArgs
 */
function checkArguments(spec: CommandSpec, options: Readonly<Record<string, OptionSpec>>, args: readonly string[]): string[] {
  const invalid = (field: string, expected: string): ValidationError => new ValidationError(`Invalid command line for "${spec.name}"`, field, expected);
  const unknown = (token: string): ValidationError =>
    new ValidationError(
      `Unknown option '${token}' for "${spec.name}"`,
      token,
      `one of ${Object.keys(options).filter((name) => options[name]?.refused === undefined).map((name) => `--${name}`).join(', ')}; see ${PROGRAM} ${spec.name} --help`,
    );
  const byShort = new Map(Object.entries(options).flatMap(([name, option]) => (option.short !== undefined ? [[option.short, name] as const] : [])));
  const checked: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? '';
    if (token === '--') {
      checked.push(...args.slice(i));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      checked.push(token);
      continue;
    }
    if (!token.startsWith('--')) {
      // Short switches, alone or grouped (-hy).
      for (const letter of token.slice(1)) if (!byShort.has(letter)) throw unknown(`-${letter}`);
      checked.push(token);
      continue;
    }
    const equals = token.indexOf('=');
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const option = options[name];
    if (option === undefined) throw unknown(`--${name}`);
    if (option.refused !== undefined) throw invalid(`--${name}`, option.refused);
    const usage = `--${name}${option.value !== undefined ? ` ${option.value}` : ''}`;
    if (option.type === 'boolean') {
      if (equals !== -1) throw invalid(`--${name}`, `no value (a switch: --${name})`);
      checked.push(token);
      continue;
    }
    if (equals !== -1) {
      checked.push(token);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) throw invalid(`--${name}`, `a value: ${usage}`);
    if (value.startsWith('-') && value !== '-' && !NEGATIVE_NUMBER.test(value)) {
      const isOption = value.startsWith('--') ? options[value.slice(2).split('=')[0] ?? ''] !== undefined : byShort.has(value.slice(1, 2));
      throw invalid(`--${name}`, isOption ? `a value: ${usage} (got the option "${value}")` : `a value: ${usage} (got "${value}", which reads as an option; write --${name}=${value} to mean it)`);
    }
    checked.push(`--${name}=${value}`);
    i++;
  }
  return checked;
}

/** Parse a command's arguments. @throws ValidationError (exit code 2) for unknown flags, missing values, extra arguments. */
export function parseCommand(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  // The command's own options first: that is the order the error for an unknown option lists them in.
  const options = { ...spec.options, ...globalOptionsOf(spec) };
  const config: ParseArgsConfig['options'] = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [name, { type: option.type, ...(option.short !== undefined ? { short: option.short } : {}) }]),
  );
  const checked = checkArguments(spec, options, args);
  let parsed: ParsedCommand;
  try {
    const result = parseArgs({ args: checked, options: config, allowPositionals: true, strict: true });
    const values: Record<string, string | boolean | undefined> = {};
    for (const [name, value] of Object.entries(result.values)) values[name] = Array.isArray(value) ? value.at(-1) : value;
    parsed = { values, positionals: result.positionals };
  } catch (error) {
    // checkArguments caught every mistake parseArgs knows of; should it still refuse, its own words stay out.
    throw new ValidationError(`Invalid command line for "${spec.name}"`, 'arguments', `options as ${PROGRAM} ${spec.name} --help shows them`, { cause: error });
  }
  if (parsed.values.help !== true) {
    if (parsed.positionals.length < spec.positionals.min) {
      throw usageError('arguments', `${spec.usage} (missing argument); see ${PROGRAM} ${spec.name} --help`);
    }
    if (parsed.positionals.length > spec.positionals.max) {
      throw usageError('arguments', `${spec.usage} (unexpected "${parsed.positionals[spec.positionals.max] ?? ''}")`);
    }
  }
  return parsed;
}

export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positive number (decimals allowed) from a flag, or the default. */
export function numberOption(values: ParsedValues, name: string, fallback: number, { integer = false, min = 0 } = {}): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw usageError(`--${name}`, `${integer ? 'a whole number' : 'a number'} >= ${min} (got "${text}")`);
  }
  return value;
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).filter(([, option]) => option.refused === undefined).map(([name, option]) => {
    const flag = `${option.short !== undefined ? `-${option.short}, ` : ''}--${name}${option.value !== undefined ? ` ${option.value}` : ''}`;
    return [flag, option.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}

export function commandHelp(spec: CommandSpec): string {
  return [
    `Usage: ${PROGRAM} ${spec.usage}`,
    '',
    spec.description,
    '',
    ...(Object.keys(spec.options).length > 0 ? ['Options:', ...optionLines(spec.options), ''] : []),
    'Global options:',
    ...optionLines(globalOptionsOf(spec)),
    '',
    ...(spec.examples !== undefined && spec.examples.length > 0 ? ['Examples:', ...spec.examples.map((example) => `  ${example}`), ''] : []),
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export function programHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Operate the Genesys Cloud OAuth client secret rotator: see and check managed secrets, rotate them,',
    'revoke leaked credentials. Managed secrets are those tagged genesys-rotator:managed=true.',
    `To try every command without AWS or Genesys Cloud, start local stand-ins: ${PROGRAM} local`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, GENESYS_CLOUD_BASE_URL.',
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}
