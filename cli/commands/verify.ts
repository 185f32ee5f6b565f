/**
 * `verify [<secret>]`: read-only proof that each managed secret's current credentials work, and that
 * both clients of an alternating pair still grant the same roles and divisions.
 */
import { AWSCURRENT } from '../../lambdas/core/aws/secrets-store';
import { GenesysAuthError } from '../../lambdas/core/errors';
import { describeError } from '../../lambdas/core/redaction';
import { TAGS } from '../../lambdas/core/rotation/engine';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { judgeClientStates } from '../../lambdas/core/status/client-state';
import { compareRoles } from '../../lambdas/core/status/role-drift';
import type { CommandSpec, ParsedCommand } from '../args';
import { namedOrAllManagedSecrets, NO_MANAGED_SECRETS, readDocument, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import type { Output } from '../io';
import { table } from '../render/text';

export const verifyCommand: CommandSpec = {
  name: 'verify',
  summary: 'Prove current credentials work and alternating pairs have identical roles (read-only)',
  usage: 'verify [<secret>]',
  description: [
    'For each managed secret (or the one named): gets a token with the current credentials and checks with',
    'GET /api/v2/tokens/me that it belongs to the current client; calls the secret\'s verify path (tag',
    'genesys-rotator:verify-path) if any. For an alternating pair, reads both clients with the admin pair and',
    'checks that the current one is active (a standby an emergency disabled is expected: the next rotation enables it)',
    'and that both have identical roles, divisions and token lifetime (drift is a failure: every rotation',
    'swaps which client consumers use). Changes nothing. Exits 1 if any check fails.',
  ].join('\n'),
  options: {},
  positionals: { min: 0, max: 1 },
  examples: ['genesys-rotator verify', 'genesys-rotator verify genesys-rotator/acme/jobs --json'],
};

export interface CheckResult {
  readonly check: 'credentials' | 'verify-path' | 'pair-roles' | 'pair-lifetime' | 'pair-state' | 'document';
  readonly ok: boolean;
  readonly detail: string;
}

export interface SecretVerification {
  readonly name: string;
  readonly arn: string;
  readonly strategy: string | null;
  readonly clientId: string | null;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** `accessTokenValiditySeconds` when Genesys Cloud reports none (GENESYS-API.md §2: default 86400). */
const GENESYS_DEFAULT_TOKEN_SECONDS = 86_400;

function failureDetail(error: unknown): string {
  return String(describeError(error).errorMessage);
}

async function checkCredentials(ctx: CliContext, doc: SecretDocument, verifyPath: string | undefined): Promise<CheckResult[]> {
  const genesys = ctx.genesys(doc.environment);
  let token;
  try {
    token = await genesys.getToken({ clientId: doc.clientId, clientSecret: doc.clientSecret });
  } catch (error) {
    const dead = error instanceof GenesysAuthError;
    return [{ check: 'credentials', ok: false, detail: dead ? `current credentials of client ${doc.clientId} are refused (${error.code ?? 'refused'})` : failureDetail(error) }];
  }
  const results: CheckResult[] = [];
  try {
    const info = await genesys.getTokenInfo(token);
    results.push(
      info.oauthClientId === doc.clientId
        ? { check: 'credentials', ok: true, detail: `token issued to client ${doc.clientId} (organization ${info.organizationId})` }
        : { check: 'credentials', ok: false, detail: `token belongs to client ${info.oauthClientId}, expected ${doc.clientId}` },
    );
  } catch (error) {
    results.push({ check: 'credentials', ok: false, detail: failureDetail(error) });
  }
  if (verifyPath !== undefined && verifyPath !== '') {
    try {
      const status = await genesys.probe(token, verifyPath);
      results.push({ check: 'verify-path', ok: status >= 200 && status < 300, detail: `GET ${verifyPath} answered ${status}` });
    } catch (error) {
      results.push({ check: 'verify-path', ok: false, detail: failureDetail(error) });
    }
  }
  return results;
}

async function checkPair(ctx: CliContext, access: GenesysAccess, meta: SecretMeta, doc: SecretDocument): Promise<CheckResult[]> {
  const standby = doc.alternateClientId;
  if (doc.strategy !== 'alternating' || standby === undefined) return [];
  try {
    const genesys = ctx.genesys(doc.environment);
    const token = await access.adminToken(meta.arn, doc);
    const [current, other] = await Promise.all([genesys.getOAuthClient(token, doc.clientId), genesys.getOAuthClient(token, standby)]);
    const drift = compareRoles(current, other);
    const roles: CheckResult = drift.identical
      ? { check: 'pair-roles', ok: true, detail: `clients ${doc.clientId} and ${standby} have identical roles and divisions` }
      : {
          check: 'pair-roles',
          ok: false,
          detail: `role drift: ${[
            drift.onlyFirst.length > 0 ? `only ${doc.clientId} has [${drift.onlyFirst.join(', ')}]` : '',
            drift.onlySecond.length > 0 ? `only ${standby} has [${drift.onlySecond.join(', ')}]` : '',
          ]
            .filter((part) => part !== '')
            .join('; ')}`,
        };
    // Each rotation swaps the client consumers use: different lifetimes would change how long their tokens live.
    const [currentLifetime, otherLifetime] = [current, other].map((client) => client.accessTokenValiditySeconds ?? GENESYS_DEFAULT_TOKEN_SECONDS);
    const lifetime: CheckResult =
      currentLifetime === otherLifetime
        ? { check: 'pair-lifetime', ok: true, detail: `both clients issue tokens valid for ${String(currentLifetime)} s` }
        : { check: 'pair-lifetime', ok: false, detail: `token lifetimes differ: ${doc.clientId} ${String(currentLifetime)} s, ${standby} ${String(otherLifetime)} s` };
    // A standby an emergency disabled is expected (issue 14); a disabled current client is not.
    const states = judgeClientStates({ clientId: current.id, state: current.state }, { clientId: other.id, state: other.state });
    const state: CheckResult = { check: 'pair-state', ok: states.ok, detail: states.detail };
    return [roles, lifetime, state];
  } catch (error) {
    return [{ check: 'pair-roles', ok: false, detail: `could not read the pair's clients: ${failureDetail(error)}` }];
  }
}

async function verifySecret(ctx: CliContext, access: GenesysAccess, meta: SecretMeta): Promise<SecretVerification> {
  let doc: SecretDocument | undefined;
  let problem: string | undefined;
  try {
    doc = await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT });
    if (doc === undefined) problem = 'no AWSCURRENT value';
  } catch (error) {
    problem = failureDetail(error);
  }
  const checks: CheckResult[] =
    doc === undefined
      ? [{ check: 'document', ok: false, detail: problem ?? 'unreadable' }]
      : [...(await checkCredentials(ctx, doc, meta.tags[TAGS.verifyPath])), ...(await checkPair(ctx, access, meta, doc))];
  return { name: meta.name, arn: meta.arn, strategy: doc?.strategy ?? null, clientId: doc?.clientId ?? null, ok: checks.every((c) => c.ok), checks };
}

export async function runVerify(ctx: CliContext, parsed: ParsedCommand, out: Output): Promise<ExitCode> {
  const named = parsed.positionals[0];
  const secrets = await namedOrAllManagedSecrets(ctx.secretsManager, named);
  const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
  const results: SecretVerification[] = [];
  for (const meta of secrets) results.push(await verifySecret(ctx, access, meta));
  const ok = results.every((r) => r.ok);
  const exitCode = ok ? EXIT.ok : EXIT.checkFailed;
  if (out.json) {
    out.document({ ok, secrets: results, exitCode });
    return exitCode;
  }
  if (results.length === 0) {
    out.line(NO_MANAGED_SECRETS);
    return exitCode;
  }
  out.line(
    table(
      ['SECRET', 'STRATEGY', 'CHECK', 'RESULT', 'DETAIL'],
      results.flatMap((r) => r.checks.map((c) => [r.name, r.strategy ?? '?', c.check, c.ok ? 'ok' : 'FAIL', c.detail])),
    ),
  );
  out.line();
  const failed = results.filter((r) => !r.ok).length;
  out.line(`${results.length} secret${results.length === 1 ? '' : 's'} verified: ${results.length - failed} ok, ${failed} failed${failed > 0 ? ' -> FAIL' : ''}`);
  return exitCode;
}
