/**
 * "Are the credentials about to be revoked still in use?" (GENESYS-API.md §4). Usage is counted per
 * client and per day, never per secret, so the answer is about the client and has day granularity:
 * requests on the day of the last rotation may predate it.
 *
 * Which client to ask about:
 * - scheduled rotation of an alternating pair: the standby (`alternateClientId`), which holds the
 *   previous credentials and is the one the next rotation regenerates;
 * - emergency rotation: the current client (`clientId`), whose leaked credentials are revoked.
 */
import type { AccessToken, ClientUsage, ClientUsageRow, GenesysApi } from '../genesys/types';
import type { SecretDocument } from '../secret-document';
import { DAY_MS } from './classify';

export const DEFAULT_USAGE_DAYS = 7;

/**
 * - `in-use`: requests on a day after `since` (or, without `since`, any request in the window);
 * - `maybe-in-use`: requests only on the day of `since`, which may predate it;
 * - `idle`: no request in the window since that day.
 */
export type UsageVerdict = 'in-use' | 'maybe-in-use' | 'idle';

export interface UsageSummary {
  readonly clientId: string;
  /** ISO-8601 interval queried, `start/end`. */
  readonly interval: string;
  readonly days: number;
  readonly verdict: UsageVerdict;
  /** Requests counted towards the verdict (from the day of `since` on, or the whole window). */
  readonly requests: number;
  /** Requests in the whole window (the rotator's own calls left out). */
  readonly totalRequests: number;
  /** Last day (`YYYY-MM-DD`) with a request, if any. */
  readonly lastUsedDay: string | undefined;
  /** The rotation the verdict is relative to, if any. */
  readonly since: string | undefined;
}

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The rotator's own calls, left out when a client's use is counted: its credential checks
 * (`GET /api/v2/tokens/me`, testSecret, verify, status) and the admin pair's OAuth client calls
 * (`/api/v2/oauth/clients/...`: read, regenerate, usage queries). Templates are compared without a
 * leading slash and case-insensitively (their exact format is UNCONFIRMED, GENESYS-API.md §4).
 */
export function isRotatorOwnCall(row: Pick<ClientUsageRow, 'templateUri' | 'httpMethod'>): boolean {
  if (row.templateUri === undefined) return false;
  const template = row.templateUri.replace(/^\/+/, '').replace(/\/+$/, '').toLowerCase();
  const method = (row.httpMethod ?? '').toUpperCase();
  if (template === 'api/v2/tokens/me') return method === 'GET' || method === '';
  return template === 'api/v2/oauth/clients' || template.startsWith('api/v2/oauth/clients/');
}

/**
 * Turn usage rows into a verdict. `since`: the rotation after which the client should be unused. The
 * rotator's own calls (`isRotatorOwnCall`) count neither towards the verdict nor the totals.
 */
export function summariseUsage(usage: ClientUsage, days: number, since?: Date): UsageSummary {
  const sinceDay = since === undefined ? undefined : utcDay(since.getTime());
  let requests = 0;
  let after = 0;
  let total = 0;
  let lastUsedMs: number | undefined;
  for (const row of usage.rows) {
    if (row.requests <= 0 || isRotatorOwnCall(row)) continue;
    total += row.requests;
    const parsed = row.date === undefined ? Number.NaN : Date.parse(row.date);
    // A row without a usable date cannot be placed: count it as recent, the safe side.
    const dayMs = Number.isNaN(parsed) ? undefined : utcDay(parsed);
    if (dayMs !== undefined && (lastUsedMs === undefined || dayMs > lastUsedMs)) lastUsedMs = dayMs;
    if (sinceDay === undefined || dayMs === undefined || dayMs > sinceDay) {
      after += row.requests;
      requests += row.requests;
    } else if (dayMs === sinceDay) {
      requests += row.requests;
    }
  }
  const verdict: UsageVerdict = after > 0 ? 'in-use' : requests > 0 ? 'maybe-in-use' : 'idle';
  return {
    clientId: usage.clientId,
    interval: usage.interval,
    days,
    verdict,
    requests,
    totalRequests: total,
    lastUsedDay: lastUsedMs === undefined ? undefined : isoDay(lastUsedMs),
    since: since?.toISOString(),
  };
}

/**
 * Query Genesys Cloud (`token` needs oauth:client:view or usage:client:view) and summarise. Every page
 * of the result counts: `getClientUsage` follows `cursors.after` (how is UNCONFIRMED: see api-client.ts),
 * so requests on a later page are not missed and a client in use never reads "idle" for want of a page.
 */
export async function checkClientUsage(
  genesys: GenesysApi,
  token: AccessToken,
  clientId: string,
  options: { readonly days?: number; readonly since?: Date } = {},
): Promise<UsageSummary> {
  const days = options.days ?? DEFAULT_USAGE_DAYS;
  const usage = await genesys.getClientUsage(token, clientId, days);
  return summariseUsage(usage, days, options.since);
}

/** The longest usage window the drain check asks for. */
export const MAX_USAGE_DAYS = 31;

/**
 * Days of usage that cover everything since `since` (its day included): at least 1, at most
 * `MAX_USAGE_DAYS`; without `since`, the default window.
 */
export function usageDaysSince(since: Date | undefined, now: Date): number {
  if (since === undefined) return DEFAULT_USAGE_DAYS;
  const days = Math.floor(now.getTime() / DAY_MS) - Math.floor(since.getTime() / DAY_MS) + 1;
  return Math.min(MAX_USAGE_DAYS, Math.max(1, days));
}

/**
 * The drain check: was `clientId` used since the last rotation (`since`)? The window covers `since`'s
 * day (up to `MAX_USAGE_DAYS`), and the rotator's own calls are left out.
 */
export async function checkUsageSince(genesys: GenesysApi, token: AccessToken, clientId: string, since: Date | undefined, now: Date): Promise<UsageSummary> {
  return await checkClientUsage(genesys, token, clientId, { days: usageDaysSince(since, now), ...(since !== undefined ? { since } : {}) });
}

/** The client whose credentials a rotation revokes, or undefined when usage says nothing useful. */
export function clientToRevoke(doc: SecretDocument, kind: 'scheduled' | 'emergency'): string | undefined {
  if (doc.strategy !== 'alternating') return undefined;
  return kind === 'emergency' ? doc.clientId : doc.alternateClientId;
}

/** One line for people: `in use: 12 requests since 2026-01-02 (last 2026-01-03)`. */
export function describeUsage(summary: UsageSummary): string {
  const last = summary.lastUsedDay !== undefined ? `, last used ${summary.lastUsedDay}` : '';
  switch (summary.verdict) {
    case 'in-use':
      return `IN USE: ${summary.requests} requests in the last ${summary.days} days${summary.since !== undefined ? ' after the last rotation' : ''}${last}`;
    case 'maybe-in-use':
      return `maybe in use: ${summary.requests} requests on the day of the last rotation (usage is per day)${last}`;
    case 'idle':
      return `idle: no requests in the last ${summary.days} days${summary.since !== undefined ? ' since the last rotation' : ''}${last}`;
  }
}
