/**
 * EventBridge stand-in: PutEvents as the API reference describes it (per-entry results with EventId or
 * ErrorCode/ErrorMessage, FailedEntryCount), a record of every accepted event, and in-process
 * subscribers that play the part of rule targets. Any bus name is accepted (no bus has to be created).
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, EmulatorUsageError, validationError } from '../aws-error';
import type { Clock } from '../clock';
import { FaultPlan } from '../faults';
import type { JsonInput } from '../json-input';

/** The event as EventBridge hands it to a rule target (e.g. a Lambda function). */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 without milliseconds, e.g. `2026-01-31T12:00:00Z`. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface RecordedEvent {
  readonly eventId: string;
  /** Bus name; a bus given as an ARN is recorded by its name. */
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** The Detail JSON string as sent. */
  readonly detail: string;
  readonly resources: readonly string[];
  readonly time: Date;
  readonly event: EventBridgeEvent;
}

export interface EventFilter {
  readonly eventBusName?: string;
  readonly source?: string;
  readonly detailType?: string;
}

export type EventListener = (event: EventBridgeEvent, recorded: RecordedEvent) => void | Promise<void>;

export interface EventInput {
  readonly eventBusName?: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: string;
  readonly resources?: readonly string[];
  readonly time?: Date;
}

interface PlannedEntryFailure {
  remaining: number;
  readonly errorCode: string;
  readonly errorMessage: string;
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const DEFAULT_BUS = 'default';
/** "The total entry size must be less than 256KB" (PutEvents API reference). */
const MAX_REQUEST_BYTES = 256 * 1024;

function busName(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return DEFAULT_BUS;
  const at = nameOrArn.indexOf(':event-bus/');
  return nameOrArn.startsWith('arn:') && at >= 0 ? nameOrArn.slice(at + ':event-bus/'.length) : nameOrArn;
}

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function parseDetail(detail: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const value: unknown = JSON.parse(detail);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

function matches(recorded: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (filter === undefined) return true;
  return (
    (filter.eventBusName === undefined || busName(filter.eventBusName) === recorded.eventBusName) &&
    (filter.source === undefined || filter.source === recorded.source) &&
    (filter.detailType === undefined || filter.detailType === recorded.detailType)
  );
}

export class EventBridgeEmulator {
  /** Call-level faults and latency (`failNext('PutEvents', n, 'InternalException')`). */
  readonly faults = new FaultPlan();
  private readonly accountId: string;
  private readonly region: string;
  private readonly now: Clock;
  private recorded: RecordedEvent[] = [];
  private readonly listeners = new Set<{ listener: EventListener; filter: EventFilter | undefined }>();
  private readonly deliveries = new Set<Promise<void>>();
  private errors: unknown[] = [];
  private entryFailures: PlannedEntryFailure[] = [];

  constructor(options: { accountId: string; region: string; now: Clock }) {
    this.accountId = options.accountId;
    this.region = options.region;
    this.now = options.now;
  }

  /** Events accepted so far, oldest first, optionally filtered. */
  entries(filter?: EventFilter): readonly RecordedEvent[] {
    return this.recorded.filter((recorded) => matches(recorded, filter));
  }

  /** Delivers each later accepted event (matching `filter`) to `listener`, asynchronously. Returns unsubscribe. */
  subscribe(listener: EventListener, filter?: EventFilter): () => void {
    const registration = { listener, filter };
    this.listeners.add(registration);
    return () => this.listeners.delete(registration);
  }

  /** The next `count` entries fail with this ErrorCode/ErrorMessage in the PutEvents result (not recorded). */
  failNextEntries(count: number, failure: { errorCode?: string; errorMessage?: string } = {}): void {
    if (!Number.isInteger(count) || count < 1) throw new EmulatorUsageError('failNextEntries: count must be a positive integer');
    this.entryFailures.push({
      remaining: count,
      errorCode: failure.errorCode ?? 'InternalFailure',
      errorMessage: failure.errorMessage ?? 'Internal Failure',
    });
  }

  /** The next `count` PutEvents calls fail as a whole (default HTTP 500 InternalException, which the SDK retries). */
  failNextCalls(count: number, errorType = 'InternalException'): void {
    this.faults.failNext('PutEvents', count, errorType, errorType === 'InternalException' ? 'Internal error' : 'Injected failure');
  }

  /** Resolves once every delivery to subscribers started so far has finished. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  /** Errors thrown by subscribers (delivery does not retry). */
  deliveryErrors(): readonly unknown[] {
    return [...this.errors];
  }

  /** Forgets recorded events, delivery errors and planned faults; subscribers stay. */
  clear(): void {
    this.recorded = [];
    this.errors = [];
    this.entryFailures = [];
    this.faults.clear();
  }

  /** Records an event in-process, as AWS services do when they emit to a bus (e.g. RotationFailed). */
  record(input: EventInput): RecordedEvent {
    const time = input.time ?? this.now();
    const parsed = parseDetail(input.detail);
    const eventId = randomUUID();
    const eventBusName = busName(input.eventBusName);
    const resources = [...(input.resources ?? [])];
    const event: EventBridgeEvent = {
      version: '0',
      id: eventId,
      'detail-type': input.detailType,
      source: input.source,
      account: this.accountId,
      time: isoSeconds(time),
      region: this.region,
      resources,
      detail: parsed.ok ? parsed.value : {},
    };
    const recorded: RecordedEvent = { eventId, eventBusName, source: input.source, detailType: input.detailType, detail: input.detail, resources, time, event };
    this.recorded.push(recorded);
    this.deliver(recorded);
    return recorded;
  }

  /** The PutEvents operation. */
  putEvents(input: JsonInput): { FailedEntryCount: number; Entries: EntryResult[] } {
    const entries = input.optionalObjectArray('Entries');
    if (entries === undefined) throw validationError('entries', undefined, 'Member must not be null');
    if (entries.length < 1 || entries.length > 10) {
      throw validationError('entries', `[${entries.length} entries]`, `Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`);
    }
    let totalBytes = 0;
    for (const entry of entries) {
      totalBytes += 14;
      for (const name of ['Source', 'DetailType', 'Detail']) totalBytes += Buffer.byteLength(entry.optionalString(name) ?? '', 'utf8');
      for (const resource of entry.optionalStringArray('Resources') ?? []) totalBytes += Buffer.byteLength(resource, 'utf8');
    }
    if (totalBytes > MAX_REQUEST_BYTES) throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');

    const results = entries.map((entry) => this.putEntry(entry));
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private putEntry(entry: JsonInput): EntryResult {
    const source = entry.optionalString('Source');
    const detailType = entry.optionalString('DetailType');
    const detail = entry.optionalString('Detail');
    if (source === undefined || source === '') return invalidArgument('Source');
    if (detailType === undefined || detailType === '') return invalidArgument('DetailType');
    if (detail === undefined || detail === '') return invalidArgument('Detail');
    if (!parseDetail(detail).ok) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const injected = this.takeEntryFailure();
    if (injected !== undefined) return injected;
    const timeSeconds = entry.optionalNumber('Time');
    const recorded = this.record({
      eventBusName: entry.optionalString('EventBusName'),
      source,
      detailType,
      detail,
      resources: entry.optionalStringArray('Resources') ?? [],
      ...(timeSeconds !== undefined ? { time: new Date(timeSeconds * 1000) } : {}),
    });
    return { EventId: recorded.eventId };
  }

  private takeEntryFailure(): { ErrorCode: string; ErrorMessage: string } | undefined {
    const head = this.entryFailures[0];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.entryFailures.shift();
    return { ErrorCode: head.errorCode, ErrorMessage: head.errorMessage };
  }

  private deliver(recorded: RecordedEvent): void {
    for (const { listener, filter } of this.listeners) {
      if (!matches(recorded, filter)) continue;
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(async () => {
          await listener(recorded.event, recorded);
        })
        .catch((error: unknown) => {
          this.errors.push(error);
        })
        .finally(() => this.deliveries.delete(delivery));
      this.deliveries.add(delivery);
    }
  }
}

function invalidArgument(member: string): { ErrorCode: string; ErrorMessage: string } {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${member} is not valid. Reason: ${member} is a required argument.` };
}
