import { PassThrough } from 'node:stream';
import { ValidationError } from '../../../lambdas/core/errors';
import { readSecret } from '../../../cli/secret-prompt';

/** A stdin that says it is a terminal and records raw-mode switches, as node:tty's ReadStream does. */
function terminal(): PassThrough & { isTTY: boolean; rawModes: boolean[]; setRawMode(mode: boolean): void } {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; rawModes: boolean[]; setRawMode(mode: boolean): void };
  stream.isTTY = true;
  stream.rawModes = [];
  stream.setRawMode = (mode: boolean) => {
    stream.rawModes.push(mode);
  };
  return stream;
}

function sink(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('Function: readSecret', () => {
  it('reads keystrokes in raw mode without echoing them, honouring backspace, and restores the terminal', async () => {
    // Prepare
    const stdin = terminal();
    const stderr = sink();
    // Act
    const pending = readSecret(stdin, stderr, 'Secret: ', 'admin client secret');
    stdin.write('s3cX');
    stdin.write('\u007fret\r');
    const secret = await pending;
    // Assess
    expect(secret).toBe('s3cret');
    expect(stdin.rawModes).toEqual([true, false]);
    expect(stderr.text).toBe('Secret: \n');
  });

  it('gives up on Ctrl-C with a typed error naming the field, and restores the terminal', async () => {
    // Prepare
    const stdin = terminal();
    // Act
    const pending = readSecret(stdin, sink(), 'Secret: ', 'admin client secret');
    stdin.write('abc\u0003');
    // Assess
    await expect(pending).rejects.toThrow(ValidationError);
    await expect(pending).rejects.toThrow('admin client secret');
    expect(stdin.rawModes).toEqual([true, false]);
  });

  it('reads one line from piped input, trimmed, and prints no prompt', async () => {
    // Prepare
    const stdin = new PassThrough();
    const stderr = sink();
    // Act
    const pending = readSecret(stdin, stderr, 'Secret: ', 'admin client secret');
    stdin.end('  from-a-password-manager \nsecond line\n');
    // Assess
    expect(await pending).toBe('from-a-password-manager');
    expect(stderr.text).toBe('');
  });

  it('refuses empty or missing input without repeating anything', async () => {
    // Act / Assess
    await expect(readSecret(undefined, sink(), 'Secret: ', 'admin client secret')).rejects.toThrow('piped on standard input');
    const empty = new PassThrough();
    const pending = readSecret(empty, sink(), 'Secret: ', 'admin client secret');
    empty.end('\n');
    await expect(pending).rejects.toThrow(ValidationError);
  });
});
