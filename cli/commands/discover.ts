/**
 * `discover`: the organisation's client-credentials OAuth clients as the admin pair sees them, which
 * managed secret holds each, and (`--config`) deployment-configuration entries for the unmanaged ones.
 * Read-only; never prints a secret or a token.
 */
import { AWSCURRENT } from '../../lambdas/core/aws/secrets-store';
import type { OAuthClientInfo } from '../../lambdas/core/genesys/types';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { DEFAULT_USAGE_DAYS, type UsageVerdict } from '../../lambdas/core/status/usage-check';
import { stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import { listManagedSecrets, readDocument, resolveManagedSecret, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import type { Output } from '../io';
import { shortDate, table } from '../render/text';

const CLIENT_CREDENTIALS = 'CLIENT-CREDENTIALS';
/** What `--config` proposes; the operator edits it before deploying. */
const CONFIG_SCHEDULE = { expression: 'rate(30 days)', window: '3h' } as const;
const ORGANISATION_PLACEHOLDER = '<organisation>';
/** A deployment-file name (lib/config/schema.ts `NAME`). */
const CONFIG_NAME = /^[a-z][a-z0-9-]{0,47}$/;

export const discoverCommand: CommandSpec = {
  name: 'discover',
  summary: "List the organisation's client-credentials OAuth clients and which managed secret holds each (read-only)",
  usage: 'discover [--admin-secret NAME] [--config [--organisation NAME]] [--skip-usage]',
  description: [
    'Lists, with the admin pair\'s token, every OAuth client of the organisation that uses the client-credentials',
    'grant (GET /api/v2/oauth/clients, every page; needs oauth:client:view): id, name, state, token lifetime,',
    'number of roles and divisions, created and modified dates, requests over the last 7 days (needs',
    'usage:client:view; the rotator\'s own calls left out) and which managed secret holds it: current or standby',
    'client of a secret, the admin pair, or "unmanaged". The admin pair is the --admin-secret one, or the only',
    'admin pair among the managed secrets. --config prints deployment-file clients[] entries (strategy single,',
    'schedule rate(30 days) in a 3h window) for the active unmanaged clients, to review and paste. Never prints',
    'a secret or a token.',
  ].join('\n'),
  options: {
    'admin-secret': { type: 'string', value: 'NAME', description: 'Managed admin-pair secret whose token reads the clients (default: the only admin pair)' },
    config: { type: 'boolean', description: 'Print clients[] entries for the active unmanaged clients instead of the table' },
    organisation: { type: 'string', value: 'NAME', description: `Organisation name for --config entries (default: "${ORGANISATION_PLACEHOLDER}", to fill in)` },
    'skip-usage': { type: 'boolean', description: 'Do not ask Genesys Cloud for recent usage (one query per client)' },
  },
  positionals: { min: 0, max: 0 },
  examples: ['genesys-rotator discover', 'genesys-rotator discover --config --organisation acme-us', 'genesys-rotator discover --json --skip-usage'],
};

export interface ClientHolder {
  readonly secret: string;
  readonly slot: 'current' | 'standby';
  readonly admin: boolean;
}

export interface DiscoveredClient {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly state: string;
  readonly tokenLifetimeSeconds: number | null;
  readonly roles: number;
  readonly divisions: number;
  readonly roleDivisions: readonly { readonly roleId: string; readonly divisionId: string }[];
  readonly dateCreated: string | null;
  readonly dateModified: string | null;
  readonly usage: { readonly days: number; readonly requests: number; readonly lastUsedDay: string | null; readonly verdict: UsageVerdict } | null;
  readonly holder: ClientHolder | null;
}

/** A `clients[]` entry of the deployment file (rotator.config.example.json). */
export interface ClientConfigEntry {
  readonly name: string;
  readonly organisation: string;
  readonly strategy: 'single';
  readonly clientId: string;
  readonly schedule: typeof CONFIG_SCHEDULE;
}

function isAdminPair(doc: SecretDocument): boolean {
  return doc.strategy === 'alternating' && doc.adminSecretId === undefined;
}

export interface ManagedDoc {
  readonly meta: SecretMeta;
  readonly doc: SecretDocument;
}

export async function readManaged(ctx: CliContext, out: Output): Promise<ManagedDoc[]> {
  const found: ManagedDoc[] = [];
  for (const meta of await listManagedSecrets(ctx.secretsManager)) {
    try {
      const doc = await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT });
      if (doc !== undefined) found.push({ meta, doc });
    } catch {
      out.warn(`warning: ${meta.name}: document unreadable; the clients it holds show as unmanaged`);
    }
  }
  return found;
}

/** The `--admin-secret` admin pair, or the only admin pair among the managed secrets. */
export async function chooseAdmin(ctx: CliContext, managed: readonly ManagedDoc[], named: string | undefined): Promise<ManagedDoc> {
  if (named !== undefined) {
    const meta = await resolveManagedSecret(ctx.secretsManager, named);
    const entry = managed.find((m) => m.meta.arn === meta.arn);
    if (entry === undefined || !isAdminPair(entry.doc)) {
      throw usageError('--admin-secret', `a managed admin-pair secret (alternating, no adminSecretId); ${meta.name} is not one`);
    }
    return entry;
  }
  const admins = managed.filter((m) => isAdminPair(m.doc));
  const [only] = admins;
  if (only === undefined || admins.length > 1) {
    const names = admins.map((m) => m.meta.name).join(', ');
    throw usageError('--admin-secret', admins.length === 0 ? 'the admin-pair secret to read with (no managed admin pair found)' : `one of the admin pairs ${names}`);
  }
  return only;
}

function holders(managed: readonly ManagedDoc[]): Map<string, ClientHolder> {
  const byClient = new Map<string, ClientHolder>();
  for (const { meta, doc } of managed) {
    const admin = isAdminPair(doc);
    byClient.set(doc.clientId, { secret: meta.name, slot: 'current', admin });
    if (doc.alternateClientId !== undefined) byClient.set(doc.alternateClientId, { secret: meta.name, slot: 'standby', admin });
  }
  return byClient;
}

function distinct(values: readonly string[]): number {
  return new Set(values.filter((v) => v !== '')).size;
}

/** A deployment-file name from a Genesys client name: lowercase, "-" separated, starting with a letter. */
export function configName(clientName: string, taken: Set<string>): string {
  let base = clientName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(base)) base = `client-${base}`.replace(/-+$/, '');
  base = base.slice(0, 44).replace(/-+$/, '');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

function lifetime(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function holderCell(holder: ClientHolder | null): string {
  if (holder === null) return 'unmanaged';
  return `${holder.secret} (${holder.admin ? 'admin ' : ''}${holder.slot})`;
}

function usageCell(client: DiscoveredClient): string {
  if (client.usage === null) return '-';
  return client.usage.requests === 0 ? 'idle' : `${client.usage.requests} req, last ${client.usage.lastUsedDay ?? '?'}`;
}

export async function runDiscover(ctx: CliContext, parsed: ParsedCommand, out: Output): Promise<ExitCode> {
  const { values } = parsed;
  const organisation = stringOption(values, 'organisation');
  if (organisation !== undefined && !CONFIG_NAME.test(organisation)) {
    throw usageError('--organisation', `an organisation name of the deployment file (lowercase letters, digits and "-", starting with a letter; got "${organisation}")`);
  }
  const withUsage = values['skip-usage'] !== true;
  const managed = await readManaged(ctx, out);
  const admin = await chooseAdmin(ctx, managed, stringOption(values, 'admin-secret'));
  const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
  const token = await access.adminToken(admin.meta.arn, admin.doc);
  const listed = await access.api(admin.doc.environment).listOAuthClients(token);
  const held = holders(managed);

  const clients: DiscoveredClient[] = [];
  for (const client of listed.filter((c: OAuthClientInfo) => c.authorizedGrantType.toUpperCase() === CLIENT_CREDENTIALS)) {
    // One at a time: Genesys rate limits are per token.
    const usage = withUsage ? await access.usage(admin.meta.arn, admin.doc, client.id, DEFAULT_USAGE_DAYS) : undefined;
    clients.push({
      id: client.id,
      name: client.name,
      description: client.description ?? null,
      state: client.state,
      tokenLifetimeSeconds: client.accessTokenValiditySeconds ?? null,
      roles: distinct(client.roleDivisions.map((rd) => rd.roleId)),
      divisions: distinct(client.roleDivisions.map((rd) => rd.divisionId)),
      roleDivisions: client.roleDivisions,
      dateCreated: client.dateCreated ?? null,
      dateModified: client.dateModified ?? null,
      usage: usage === undefined ? null : { days: usage.days, requests: usage.totalRequests, lastUsedDay: usage.lastUsedDay ?? null, verdict: usage.verdict },
      holder: held.get(client.id) ?? null,
    });
  }
  clients.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  const taken = new Set<string>();
  const config: ClientConfigEntry[] = clients
    .filter((c) => c.holder === null && c.state === 'active')
    .map((c) => ({ name: configName(c.name, taken), organisation: organisation ?? ORGANISATION_PLACEHOLDER, strategy: 'single', clientId: c.id, schedule: CONFIG_SCHEDULE }));

  if (out.json) {
    out.document({ adminSecret: admin.meta.name, environment: admin.doc.environment, clients, ...(values.config === true ? { config } : {}), exitCode: EXIT.ok });
    return EXIT.ok;
  }
  if (values.config === true) {
    out.line(JSON.stringify(config, null, 2));
    return EXIT.ok;
  }
  out.line(
    table(
      ['ID', 'NAME', 'STATE', 'TOKEN', 'ROLES/DIVS', 'CREATED', 'MODIFIED', `USAGE ${DEFAULT_USAGE_DAYS}D`, 'HELD BY'],
      clients.map((c) => [
        c.id,
        c.name,
        c.state,
        lifetime(c.tokenLifetimeSeconds),
        `${c.roles}/${c.divisions}`,
        shortDate(c.dateCreated),
        shortDate(c.dateModified),
        usageCell(c),
        holderCell(c.holder),
      ]),
    ),
  );
  out.line();
  const unmanaged = clients.filter((c) => c.holder === null).length;
  out.line(`${clients.length} client-credentials client${clients.length === 1 ? '' : 's'} (read with ${admin.meta.name}): ${clients.length - unmanaged} managed, ${unmanaged} unmanaged`);
  return EXIT.ok;
}
