/**
 * The Platform API routes the emulator serves, and path resolution. Templates with more literal
 * segments are tried first (`credentials/listing` before `credentials/{credentialId}`); the first
 * template that matches the path wins, then the method picks the route.
 */
import type { ApiRoute } from './context';
import { getCredential, putCredential } from './credentials';
import { createOAuthClient, getOAuthClient, getTokenMe, listOAuthClients, putOAuthClient, regenerateSecret } from './oauth-clients';
import { getUsageQueryResults, getUsageSummary, postUsageQuery } from './usage';
import { CREDENTIALS_PATH, OAUTH_CLIENTS_PATH } from './views';

const ROUTES: readonly ApiRoute[] = [
  getTokenMe,
  listOAuthClients,
  createOAuthClient,
  getOAuthClient,
  putOAuthClient,
  regenerateSecret,
  postUsageQuery,
  getUsageSummary,
  getUsageQueryResults,
  getCredential,
  putCredential,
];

/**
 * Documented endpoints (GENESYS-API.md §3, §5) the product does not use and the emulator does not
 * implement: they answer 501 so a caller learns that at once instead of getting a misleading 404.
 */
const NOT_EMULATED: readonly (readonly [method: string, template: string])[] = [
  ['DELETE', `${OAUTH_CLIENTS_PATH}/{clientId}`],
  ['GET', `${CREDENTIALS_PATH}/listing`],
  ['GET', `${CREDENTIALS_PATH}/types`],
  ['POST', CREDENTIALS_PATH],
  ['DELETE', `${CREDENTIALS_PATH}/{credentialId}`],
];

type Handler = ApiRoute | 'not-emulated';

interface Resource {
  readonly template: string;
  readonly segments: readonly string[];
  readonly methods: Map<string, Handler>;
}

export type Resolution =
  | { readonly kind: 'route'; readonly template: string; readonly route: ApiRoute; readonly params: Record<string, string> }
  | { readonly kind: 'not-emulated'; readonly template: string }
  | { readonly kind: 'method-not-allowed'; readonly template: string; readonly allow: string }
  | { readonly kind: 'not-found' };

const RESOURCES: readonly Resource[] = buildResources();

export function resolveRoute(method: string, path: string): Resolution {
  const segments = path.split('/');
  for (const resource of RESOURCES) {
    const params = matchSegments(resource.segments, segments);
    if (!params) continue;
    const handler = resource.methods.get(method);
    if (handler === undefined) {
      return { kind: 'method-not-allowed', template: resource.template, allow: [...resource.methods.keys()].join(', ') };
    }
    return handler === 'not-emulated'
      ? { kind: 'not-emulated', template: resource.template }
      : { kind: 'route', template: resource.template, route: handler, params };
  }
  return { kind: 'not-found' };
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i += 1) {
    const t = template[i] ?? '';
    const a = actual[i] ?? '';
    if (t.startsWith('{')) {
      if (a === '') return undefined;
      const value = decodeSegment(a);
      if (value === undefined) return undefined;
      params[t.slice(1, -1)] = value;
    } else if (t !== a) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // malformed %-escape: no route matches
  }
}

function buildResources(): Resource[] {
  const byTemplate = new Map<string, Map<string, Handler>>();
  const add = (method: string, template: string, handler: Handler): void => {
    let methods = byTemplate.get(template);
    if (!methods) {
      methods = new Map();
      byTemplate.set(template, methods);
    }
    methods.set(method, handler);
  };
  for (const route of ROUTES) add(route.method, route.template, route);
  for (const [method, template] of NOT_EMULATED) add(method, template, 'not-emulated');
  const resources = [...byTemplate].map(([template, methods]) => ({ template, segments: template.split('/'), methods }));
  const literalScore = (r: Resource): number => r.segments.filter((s) => !s.startsWith('{')).length;
  return resources.sort((a, b) => literalScore(b) - literalScore(a));
}
