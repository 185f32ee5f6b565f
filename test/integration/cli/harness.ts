/**
 * Runs the CLI in-process against the sandbox's stand-ins, pointed at them with the same flags an
 * operator would use (`--endpoint-url`, `--region`, `--genesys-base-url`), and captures its output.
 */
import { Readable } from 'node:stream';
import { runCli } from '../../../cli/main';
import { Sandbox } from '../../../local/sandbox';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly isTTY?: boolean;
  /** Replaces the default environment (credentials only). */
  readonly env?: Record<string, string | undefined>;
  /** Leave out the endpoint flags (to test the environment variables instead). */
  readonly noEndpointFlags?: boolean;
}

export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

export async function runAgainst(sandbox: Sandbox, argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const flags = options.noEndpointFlags === true ? [] : ['--endpoint-url', sandbox.aws.endpoint, '--region', 'us-east-1', '--genesys-base-url', sandbox.genesys.baseUrl];
  const code = await runCli([...argv, ...flags], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {}),
    isTTY: options.isTTY ?? false,
    env: options.env ?? LOCAL_CREDENTIALS,
    pollIntervalMs: 5,
  });
  return { code, stdout, stderr };
}

/** A clock for the AWS stand-in that can be moved into the past, so secrets can be created "days ago". */
export class ShiftableClock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() - this.#offsetMs);

  /** Dates recorded from now on are `days` in the past (fractional days allowed). */
  daysAgo(days: number): void {
    this.#offsetMs = days * 86_400_000;
  }

  minutesAgo(minutes: number): void {
    this.#offsetMs = minutes * 60_000;
  }

  present(): void {
    this.#offsetMs = 0;
  }
}

export async function startSandbox(clock: ShiftableClock): Promise<Sandbox> {
  return await Sandbox.start({ aws: { now: clock.now, stepRetry: { attempts: 2, delayMs: 0 } }, rotate: { propagation: { maxWaitMs: 1, initialDelayMs: 1, maxDelayMs: 1 } } });
}
