/** OAuth client usage queries (GENESYS-API.md §4). Permissions: ANY of oauth:client:view, usage:client:view. */
import type { ErrorDetail } from '../errors';
import { badRequest, notFound } from '../errors';
import { json } from '../reply';
import type { Reply } from '../reply';
import type { Granularity, GroupBy } from '../usage';
import { GRANULARITIES, GROUP_BYS, METRICS, parseInterval, startOfDay } from '../usage';
import type { ApiRequest, ApiRoute, Services } from './context';
import { enumArray, isRecord } from './json-body';
import { targetClient } from './oauth-clients';
import { OAUTH_CLIENTS_PATH } from './views';

const USAGE_PERMISSIONS = ['oauth:client:view', 'usage:client:view'] as const;
const DAY_MS = 86_400_000;
const MAX_SUMMARY_DAYS = 366; // UNCONFIRMED upper bound
/** Summary rows are per day, template URI and method (UNCONFIRMED grouping). */
const SUMMARY_GROUP_BY: readonly GroupBy[] = ['TemplateUri', 'HttpMethod'];

/** POST `.../usage/query` → 202 `{executionId, resultsUri}` (UNCONFIRMED 202 vs 200). */
export const postUsageQuery: ApiRoute = {
  method: 'POST',
  template: `${OAUTH_CLIENTS_PATH}/{clientId}/usage/query`,
  permissions: USAGE_PERMISSIONS,
  jsonBody: true,
  handle: (request, services) => {
    const parsed = parseQueryBody(request.body);
    if ('details' in parsed) {
      const fields = parsed.details.map((d) => d.fieldName).join(', ');
      return badRequest(`Invalid usage query: ${fields}`, request.correlationId, parsed.details);
    }
    return startExecution(request, services, parsed.startMs, parsed.endMs, parsed.granularity, parsed.groupBy);
  },
};

/** GET `.../usage/summary?days=N` (default 7, §4): the last N days up to the end of today, UTC. */
export const getUsageSummary: ApiRoute = {
  method: 'GET',
  template: `${OAUTH_CLIENTS_PATH}/{clientId}/usage/summary`,
  permissions: USAGE_PERMISSIONS,
  handle: (request, services) => {
    const text = request.query.get('days') ?? '7';
    const days = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(days >= 1 && days <= MAX_SUMMARY_DAYS)) {
      return badRequest(`days must be an integer in 1..${MAX_SUMMARY_DAYS}`, request.correlationId, [
        { errorCode: 'invalid', fieldName: 'days' },
      ]);
    }
    const endMs = startOfDay(services.now()) + DAY_MS;
    return startExecution(request, services, endMs - days * DAY_MS, endMs, 'Day', SUMMARY_GROUP_BY);
  },
};

/**
 * GET `.../usage/query/results/{executionId}` → `ApiUsageQueryResult`: `Running`, then `Complete`. With
 * `usageResultsPageSize`, pages carry `cursors.after`, and `?after=<cursor>` asks for the next page
 * (UNCONFIRMED: no SDK documents a parameter for it); a cursor this execution never gave is a 400.
 */
export const getUsageQueryResults: ApiRoute = {
  method: 'GET',
  template: `${OAUTH_CLIENTS_PATH}/{clientId}/usage/query/results/{executionId}`,
  permissions: USAGE_PERMISSIONS,
  handle: (request, { directory, usage }) => {
    const client = targetClient(request, directory);
    const executionId = request.params.executionId;
    const after = request.query.get('after') ?? undefined;
    const result = client && executionId !== undefined ? usage.poll(client.id, executionId, after) : undefined;
    if (result === 'bad-cursor') return badRequest('Invalid cursor', request.correlationId, [{ errorCode: 'invalid', fieldName: 'after' }]);
    return result ? json(200, result) : notFound(request.correlationId);
  },
};

function startExecution(
  request: ApiRequest,
  { directory, usage }: Services,
  startMs: number,
  endMs: number,
  granularity: Granularity,
  groupBy: readonly GroupBy[],
): Reply {
  const client = targetClient(request, directory);
  if (!client) return notFound(request.correlationId);
  const executionId = usage.start({
    clientId: client.id,
    clientName: client.name,
    organizationId: client.orgId,
    startMs,
    endMs,
    granularity,
    groupBy,
  });
  return json(202, {
    executionId,
    resultsUri: `${OAUTH_CLIENTS_PATH}/${client.id}/usage/query/results/${executionId}`,
  });
}

type ParsedQuery =
  | {
      readonly startMs: number;
      readonly endMs: number;
      readonly granularity: Granularity;
      readonly groupBy: readonly GroupBy[];
    }
  | { readonly details: ErrorDetail[] };

/**
 * Body `{interval (required), granularity, metrics, groupBy}` (§4, JAVA/PY). All metrics are always
 * returned (UNCONFIRMED); `metrics` is only checked against the enum. Without `groupBy` rows are per
 * date bucket only (UNCONFIRMED default).
 */
function parseQueryBody(body: unknown): ParsedQuery {
  const record = isRecord(body) ? body : {};
  const details: ErrorDetail[] = [];
  const interval = typeof record.interval === 'string' ? parseInterval(record.interval) : undefined;
  if (!interval) details.push({ errorCode: record.interval === undefined ? 'required' : 'invalid', fieldName: 'interval' });
  const granularity = record.granularity === undefined ? 'Day' : GRANULARITIES.find((g) => g === record.granularity);
  if (granularity === undefined) details.push({ errorCode: 'invalid', fieldName: 'granularity' });
  if (record.metrics !== undefined && enumArray(record.metrics, METRICS) === undefined) {
    details.push({ errorCode: 'invalid', fieldName: 'metrics' });
  }
  const groupBy = record.groupBy === undefined ? [] : enumArray(record.groupBy, GROUP_BYS);
  if (groupBy === undefined) details.push({ errorCode: 'invalid', fieldName: 'groupBy' });
  if (!interval || granularity === undefined || groupBy === undefined) return { details };
  return { startMs: interval.startMs, endMs: interval.endMs, granularity, groupBy };
}
