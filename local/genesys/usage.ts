/**
 * API usage per OAuth client (GENESYS-API.md §4): a ledger of calls per day, template URI and method,
 * and the asynchronous queries over it (`Running` on the first poll, then `Complete`).
 * Usage is per client, never per secret (§4).
 */
import { newEntityId } from './ids';

const DAY_MS = 86_400_000;

export const GRANULARITIES = ['Day', 'Week', 'Month'] as const;
export const METRICS = ['Status200', 'Status300', 'Status400', 'Status500', 'Status429', 'Requests'] as const;
export const GROUP_BYS = ['OAuthClientId', 'OrganizationId', 'TemplateUri', 'HttpMethod'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export type GroupBy = (typeof GROUP_BYS)[number];

interface Counters {
  status200: number;
  status300: number;
  status400: number;
  status500: number;
  status429: number;
  requests: number;
}

interface LedgerEntry extends Counters {
  readonly dayMs: number;
  readonly templateUri: string;
  readonly httpMethod: string;
}

export interface UsageQuery {
  readonly clientId: string;
  readonly clientName: string;
  readonly organizationId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly granularity: Granularity;
  readonly groupBy: readonly GroupBy[];
}

/** One row of `ApiUsageQueryResult.results` (§4, GO). */
export interface UsageRow extends Counters {
  clientId: string;
  clientName: string;
  organizationId: string;
  templateUri?: string;
  httpMethod?: string;
  date: string;
}

interface Execution {
  readonly clientId: string;
  polls: number;
  readonly results: UsageRow[];
  /** Cursor (`cursors.after`) → offset of the page it opens. */
  readonly cursors: Map<string, number>;
}

/** A poll's answer: the `ApiUsageQueryResult` body, or `bad-cursor` for an `after` this execution never gave. */
export type UsagePoll = Record<string, unknown> | 'bad-cursor';

export class UsageLedger {
  /** clientId → (day|template|method) → counters. */
  readonly #byClient = new Map<string, Map<string, LedgerEntry>>();
  readonly #executions = new Map<string, Execution>();

  /** @param pageSize rows per results page (`GenesysEmulatorOptions.usageResultsPageSize`); undefined: one page. */
  constructor(private readonly pageSize?: number) {}

  /** Count `count` calls answered with `status` (bucketed as §4's status metrics). */
  record(clientId: string, dayMs: number, templateUri: string, httpMethod: string, status: number, count = 1): void {
    let entries = this.#byClient.get(clientId);
    if (!entries) {
      entries = new Map();
      this.#byClient.set(clientId, entries);
    }
    const day = startOfDay(dayMs);
    const key = `${day}|${templateUri}|${httpMethod}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = { dayMs: day, templateUri, httpMethod, ...zeroCounters() };
      entries.set(key, entry);
    }
    entry.requests += count;
    if (status === 429) entry.status429 += count;
    else if (status >= 500) entry.status500 += count;
    else if (status >= 400) entry.status400 += count;
    else if (status >= 300) entry.status300 += count;
    else entry.status200 += count;
  }

  /** Start a query; returns its execution id. Results are computed now, revealed from the second poll. */
  start(query: UsageQuery): string {
    const executionId = newEntityId();
    this.#executions.set(executionId, { clientId: query.clientId, polls: 0, results: this.#compute(query), cursors: new Map() });
    return executionId;
  }

  /**
   * The `ApiUsageQueryResult` of an execution of `clientId`'s usage, or undefined if there is none.
   * UNCONFIRMED latency (§4): the first poll says `Running`, later polls `Complete`.
   */
  poll(clientId: string, executionId: string, after?: string): UsagePoll | undefined {
    const execution = this.#executions.get(executionId);
    if (execution?.clientId !== clientId) return undefined;
    execution.polls += 1;
    if (execution.polls === 1 && after === undefined) return { queryStatus: 'Running' };
    const offset = after === undefined ? 0 : execution.cursors.get(after);
    if (offset === undefined) return 'bad-cursor';
    const end = this.pageSize === undefined ? execution.results.length : offset + this.pageSize;
    const page = { queryStatus: 'Complete', results: execution.results.slice(offset, end) };
    if (end >= execution.results.length) return page;
    const cursor = newEntityId();
    execution.cursors.set(cursor, end);
    return { ...page, cursors: { after: cursor } };
  }

  #compute(query: UsageQuery): UsageRow[] {
    const byTemplate = query.groupBy.includes('TemplateUri');
    const byMethod = query.groupBy.includes('HttpMethod');
    const rows = new Map<string, UsageRow>();
    for (const entry of this.#byClient.get(query.clientId)?.values() ?? []) {
      if (entry.dayMs < startOfDay(query.startMs) || entry.dayMs >= query.endMs) continue;
      const bucketMs = bucketStart(entry.dayMs, query.granularity);
      const key = `${bucketMs}|${byTemplate ? entry.templateUri : ''}|${byMethod ? entry.httpMethod : ''}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          clientId: query.clientId,
          clientName: query.clientName,
          organizationId: query.organizationId,
          ...(byTemplate ? { templateUri: entry.templateUri } : {}),
          ...(byMethod ? { httpMethod: entry.httpMethod } : {}),
          ...zeroCounters(),
          date: formatDate(bucketMs),
        };
        rows.set(key, row);
      }
      row.status200 += entry.status200;
      row.status300 += entry.status300;
      row.status400 += entry.status400;
      row.status500 += entry.status500;
      row.status429 += entry.status429;
      row.requests += entry.requests;
    }
    return [...rows.values()].sort(
      (a, b) =>
        a.date.localeCompare(b.date) ||
        (a.templateUri ?? '').localeCompare(b.templateUri ?? '') ||
        (a.httpMethod ?? '').localeCompare(b.httpMethod ?? ''),
    );
  }
}

function zeroCounters(): Counters {
  return { status200: 0, status300: 0, status400: 0, status500: 0, status429: 0, requests: 0 };
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Day, ISO week (Monday) or calendar month start, UTC. UNCONFIRMED bucket boundaries. */
function bucketStart(dayMs: number, granularity: Granularity): number {
  switch (granularity) {
    case 'Day':
      return dayMs;
    case 'Week': {
      const weekday = (new Date(dayMs).getUTCDay() + 6) % 7; // Monday = 0
      return dayMs - weekday * DAY_MS;
    }
    case 'Month': {
      const d = new Date(dayMs);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
  }
}

/** `2026-01-01T00:00:00Z`, as in the §4 example. */
function formatDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Parse an ISO-8601 interval `start/end` (§4). A date-time without a zone is UTC (UNCONFIRMED; JS
 * would read it as local time). Returns undefined unless both ends parse and start < end.
 */
export function parseInterval(interval: string): { startMs: number; endMs: number } | undefined {
  const parts = interval.split('/');
  if (parts.length !== 2) return undefined;
  const [start, end] = parts.map(parseIsoInstant);
  if (start === undefined || end === undefined || start >= end) return undefined;
  return { startMs: start, endMs: end };
}

function parseIsoInstant(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) && text.includes('T');
  const ms = Date.parse(hasZone ? text : `${text.includes('T') ? text : `${text}T00:00:00`}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parse `recordUsage`'s `date` (`YYYY-MM-DD` or ISO date-time) to a day start. */
export function parseUsageDay(date: string): number | undefined {
  const ms = parseIsoInstant(date);
  return ms === undefined ? undefined : startOfDay(ms);
}
