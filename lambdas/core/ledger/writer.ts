/**
 * The rotate function's side of the ledger: one UpdateItem per step invocation (step-record.ts), sent
 * with a short bound and never allowed to fail the step. The ledger is evidence, not a gate: a
 * rotation must go on when DynamoDB is slow, throttled or denied, so a failed or timed-out write is
 * reported (a warning naming the error, and `false` for the caller's metric) and the step continues.
 *
 * ```ts
 * const ledger = new LedgerWriter(new DynamoDBClient(ledgerClientConfig()), { tableName, retentionDays: 365 }, log);
 * const written = await ledger.recordStep({ request, startedAt, endedAt, result: { outcome } });
 * ```
 */
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { deadlineSignal, sdkClientConfig, type SdkClientConfig } from '../aws/sdk-clients';
import type { Log } from '../log';
import { describeError } from '../redaction';
import type { LedgerConfig } from '../runtime-config';
import { LEDGER_WRITE_TIMEOUT_MS, secretNameFromArn } from './record';
import { stepUpdate, type StepAttempt } from './step-record';

/**
 * The DynamoDB client's configuration for ledger writes: a write may take at most
 * LEDGER_WRITE_TIMEOUT_MS per attempt, connect within a third of it, and is tried twice (the abort
 * signal of `recordStep` bounds both attempts together).
 */
export function ledgerClientConfig(timeoutMs: number = LEDGER_WRITE_TIMEOUT_MS): SdkClientConfig {
  return sdkClientConfig({ requestTimeoutMs: timeoutMs, connectionTimeoutMs: Math.max(1, Math.round(timeoutMs / 3)), maxAttempts: 2 });
}

export interface LedgerWriterOptions {
  /** Longest a write may hold the step, retries included; default LEDGER_WRITE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

export class LedgerWriter {
  private readonly timeoutMs: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly config: LedgerConfig,
    private readonly log: Log,
    options: LedgerWriterOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? LEDGER_WRITE_TIMEOUT_MS;
  }

  /**
   * Records one step invocation. Never throws and never waits longer than the timeout (or the
   * invocation deadline, when sooner).
   * @returns whether the record was written
   */
  async recordStep(attempt: StepAttempt, deadlineMs?: number): Promise<boolean> {
    const deadline = deadlineSignal(deadlineMs);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const input = stepUpdate(this.config.tableName, attempt, this.config.retentionDays);
      await this.client.send(new UpdateItemCommand(input), { abortSignal: deadline === undefined ? timeout : AbortSignal.any([timeout, deadline]) });
      return true;
    } catch (error) {
      // describeError: the error's name and our fields; an SDK message names the table or the
      // condition, never the item's values.
      this.log.warn('Rotation ledger write failed; the step goes on', {
        ledgerTable: this.config.tableName,
        secretName: secretNameFromArn(attempt.request.secretId),
        ...describeError(error),
      });
      return false;
    }
  }
}
