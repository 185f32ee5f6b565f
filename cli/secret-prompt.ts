/**
 * Reads a secret once, never from argv or the environment: at a terminal, in raw mode with no echo
 * (the keystrokes are not shown, not even as `*`, so their count does not leak either); otherwise one
 * line from standard input, e.g. piped from a password manager (`pass show x | genesys-rotator bootstrap`).
 * The value is returned to the caller only; it is never written anywhere, and no error carries it.
 */
import type { Readable } from 'node:stream';
import { ValidationError } from '../lambdas/core/errors';
import { PROGRAM } from './args';
import { readLine, type TextSink } from './io';

/** What a terminal on stdin offers (node:tty ReadStream). */
interface TerminalInput {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = ['\u007f', '\b'];

function isTerminal(stdin: Readable): stdin is Readable & Required<TerminalInput> {
  const terminal = stdin as Readable & TerminalInput;
  return terminal.isTTY === true && typeof terminal.setRawMode === 'function';
}

/** How to give the secret, for errors: never on the command line. */
export function howToGiveSecret(what: string): string {
  return `${what} typed at the prompt (no echo), or piped on standard input, e.g. "pass show genesys/admin | ${PROGRAM} bootstrap"; never as an argument or a variable (they land in shell history and the process list)`;
}

/** Keystrokes up to Enter, with no echo; Ctrl-C or Ctrl-D gives up. */
async function readRaw(stdin: Readable & Required<TerminalInput>): Promise<string | undefined> {
  return await new Promise<string | undefined>((resolve) => {
    let typed = '';
    const finish = (value: string | undefined): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === CTRL_C || char === CTRL_D) {
          finish(char === CTRL_C || char === CTRL_D ? undefined : typed);
          return;
        }
        if (BACKSPACE.includes(char)) typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/**
 * The secret, read once. `prompt` goes to stderr (only at a terminal), so stdout stays clean for `--json`.
 * @throws ValidationError (exit code 2) when there is no input, or it is empty; nothing is changed then.
 */
export async function readSecret(stdin: Readable | undefined, stderr: TextSink, prompt: string, field: string): Promise<string> {
  let value: string | undefined;
  if (stdin !== undefined && isTerminal(stdin)) {
    stderr.write(prompt);
    value = await readRaw(stdin);
    stderr.write('\n');
  } else {
    value = await readLine(stdin);
  }
  // Surrounding whitespace is never part of a Genesys secret; a password manager adds a newline.
  const secret = value?.trim() ?? '';
  if (secret === '') throw new ValidationError('No secret given', field, howToGiveSecret('the secret'));
  return secret;
}
