/**
 * What the CLI touches of the outside world, injectable so tests run it in-process
 * (`runCli(argv, io)`), and the output helpers every command uses.
 */
import type { Readable } from 'node:stream';
import type { SdkTimeouts } from '../lambdas/core/aws/sdk-clients';

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Answers to confirmation prompts. Without it (or at end of input) a prompt is declined. */
  readonly stdin?: Readable;
  /** Whether stderr is a terminal: progress is shown only then. @default false */
  readonly isTTY?: boolean;
  /** Environment variables (AWS_*, GENESYS_CLOUD_BASE_URL). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Delay between two polls while waiting for a rotation. @default 1000 */
  readonly pollIntervalMs?: number;
  /** AWS SDK timeouts and attempts (tests shorten them). @default DEFAULT_SDK_TIMEOUTS (lambdas/core/aws/sdk-clients.ts) */
  readonly sdkTimeouts?: Partial<SdkTimeouts>;
  /**
   * Resolves with the signal's name when a command that runs until stopped (`local`) is to stop:
   * bin/cli.ts resolves it on SIGINT or SIGTERM. @default the process's SIGINT or SIGTERM
   */
  readonly untilStopped?: () => Promise<string>;
}

export interface Output {
  readonly json: boolean;
  line(text?: string): void;
  warn(text: string): void;
  /** `--json` documents go to stdout, one per run. */
  document(value: unknown): void;
}

export function createOutput(io: CliIo, json: boolean): Output {
  return {
    json,
    line: (text = '') => {
      if (!json) io.stdout.write(`${text}\n`);
    },
    warn: (text) => {
      io.stderr.write(`${text}\n`);
    },
    document: (value) => {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

/** One line from stdin, or undefined at end of input. */
export async function readLine(stdin: Readable | undefined): Promise<string | undefined> {
  if (stdin === undefined) return undefined;
  return await new Promise<string | undefined>((resolve) => {
    let buffered = '';
    const finish = (value: string | undefined): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onEnd);
      stdin.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline !== -1) finish(buffered.slice(0, newline).replace(/\r$/, ''));
    };
    const onEnd = (): void => {
      finish(buffered === '' ? undefined : buffered);
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onEnd);
    stdin.resume();
  });
}
