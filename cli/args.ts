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
}

export const PROGRAM = 'genesys-rotator';

/** Options every command accepts, named as the AWS CLI names them. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  region: { type: 'string', value: 'REGION', description: 'AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)' },
  profile: { type: 'string', value: 'NAME', description: 'AWS profile (default: AWS_PROFILE)' },
  'endpoint-url': {
    type: 'string',
    value: 'URL',
    description: 'Secrets Manager endpoint (default: AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL)',
  },
  'genesys-base-url': {
    type: 'string',
    value: 'URL',
    description: 'One base URL for Genesys Cloud /oauth/token and /api/v2, for the local stand-ins (default: GENESYS_CLOUD_BASE_URL; unset in production)',
  },
  json: { type: 'boolean', description: 'Print one JSON document on stdout instead of tables' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

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

/** Parse a command's arguments. @throws ValidationError (exit code 2) for unknown flags, missing values, extra arguments. */
export function parseCommand(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  const config: ParseArgsConfig['options'] = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [name, { type: option.type, ...(option.short !== undefined ? { short: option.short } : {}) }]),
  );
  let parsed: ParsedCommand;
  try {
    const result = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true });
    const values: Record<string, string | boolean | undefined> = {};
    for (const [name, value] of Object.entries(result.values)) values[name] = Array.isArray(value) ? value.at(-1) : value;
    parsed = { values, positionals: result.positionals };
  } catch (error) {
    // parseArgs messages name the offending flag and are written for people.
    // (Checked structurally: under a test runner's VM the TypeError may come from another realm.)
    const message = typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : 'unparseable arguments';
    throw new ValidationError(`Invalid command line for "${spec.name}"`, 'arguments', `valid options (${message.replace(/\.$/, '')}); see ${PROGRAM} ${spec.name} --help`);
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
  const rows = Object.entries(options).map(([name, option]) => {
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
    ...optionLines(GLOBAL_OPTIONS),
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
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL, GENESYS_CLOUD_BASE_URL.',
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}
