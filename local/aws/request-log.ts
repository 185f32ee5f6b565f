/** What reached the stand-ins: counts by operation and an ordered log. Never a secret value. */

export type AwsServiceName = 'secretsmanager' | 'events' | 'dynamodb' | 'sts';

export interface RequestLogEntry {
  readonly at: Date;
  readonly service: AwsServiceName;
  /** Operation name from `X-Amz-Target` (or STS's `Action`), e.g. `GetSecretValue`, `PutEvents`, `UpdateItem`. */
  readonly operation: string;
  readonly status: number;
  /** AWS error type when the call failed (including injected failures). */
  readonly errorType?: string;
  /** `SecretId` (or `Name` for CreateSecret) as sent, for Secrets Manager calls. */
  readonly secretId?: string;
  /** `TableName` as sent, for DynamoDB calls. */
  readonly tableName?: string;
}

export class RequestLog {
  private counts = new Map<string, number>();
  private entries: RequestLogEntry[] = [];

  count(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  /** Requests by operation name (every request, failed and injected-failure ones included). */
  snapshotCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  snapshotEntries(): readonly RequestLogEntry[] {
    return [...this.entries];
  }

  reset(): void {
    this.counts = new Map();
    this.entries = [];
  }
}
