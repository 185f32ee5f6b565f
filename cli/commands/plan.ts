/**
 * `plan [<secret>]`: a dry run of each managed secret's next rotation: when it runs, which client it
 * regenerates, whose credentials stop working, whether that client was used since the last rotation
 * (the drain check, the rotator's own calls left out), whether the admin pair can act, and whether an
 * alternating pair still grants the same roles. Changes nothing; no secret or token is printed.
 */
import { AWSCURRENT } from '../../lambdas/core/aws/secrets-store';
import { describeError } from '../../lambdas/core/redaction';
import { planCreate } from '../../lambdas/core/rotation/plan';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { judgeClientStates } from '../../lambdas/core/status/client-state';
import { compareRoles } from '../../lambdas/core/status/role-drift';
import { checkUsageSince, describeUsage, type UsageVerdict } from '../../lambdas/core/status/usage-check';
import type { CommandSpec, ParsedCommand } from '../args';
import { namedOrAllManagedSecrets, NO_MANAGED_SECRETS, readDocument, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import type { Output } from '../io';
import { table } from '../render/text';

export const planCommand: CommandSpec = {
  name: 'plan',
  summary: 'Dry run: what the next rotation of each secret will do, and whether it would cut off a client in use',
  usage: 'plan [<secret>]',
  description: [
    'For each managed secret (or the one named): when the next rotation runs (DescribeSecret NextRotationDate),',
    'which client it regenerates and whose credentials then stop working; for an alternating pair, whether',
    'the client it regenerates (the standby) was used since the last rotation (Genesys usage per day, the',
    "rotator's own tokens/me and OAuth client calls left out); whether the admin pair gets a token and can",
    'read the client; whether both clients of a pair have identical roles. Changes nothing. Exits 1 when a',
    'next rotation would cut off a client still in use, or the admin pair or the pair parity check fails.',
  ].join('\n'),
  options: {},
  positionals: { min: 0, max: 1 },
  examples: ['genesys-rotator plan', 'genesys-rotator plan genesys-rotator/acme/jobs --json'],
};

export type DrainVerdict = UsageVerdict | 'not-applicable' | 'unknown';

export interface SecretPlan {
  readonly name: string;
  readonly arn: string;
  readonly strategy: string | null;
  /** ISO-8601, or null when rotation is not scheduled. */
  readonly nextRotation: string | null;
  /** The rotation the drain check is relative to: LastRotatedDate, else the secret's CreatedDate. */
  readonly lastRotation: string | null;
  /** The client whose secret the next rotation regenerates. */
  readonly regenerates: string | null;
  /** Whose credentials stop working when it does. */
  readonly stopsWorking: string;
  readonly drain: { readonly verdict: DrainVerdict; readonly requests: number | null; readonly lastUsedDay: string | null; readonly detail: string };
  readonly admin: { readonly ok: boolean; readonly detail: string };
  readonly parity: { readonly ok: boolean | null; readonly detail: string };
  /** The clients' states (issue 14): a standby an emergency disabled is expected, a disabled current client is not. */
  readonly clientStates: { readonly ok: boolean | null; readonly detail: string };
  readonly dependents: string;
  /** The next rotation would regenerate a client used since the last rotation. */
  readonly cutsOffClientInUse: boolean;
  readonly ok: boolean;
}

const DEPENDENTS = "integration credentials and webhooks are updated by the notify function: see its configuration (ROTATOR_DEPENDENTS)";
const HOLD = 'clients[].holdWhileInUse is in the deployment file: a held rotation refuses instead of cutting the client off';

function failureDetail(error: unknown): string {
  return String(describeError(error).errorMessage);
}

function stopsWorking(doc: SecretDocument, target: string): string {
  if (doc.strategy === 'single') return `the current secret of client ${target}: consumers must re-read the secret at once`;
  return `the previous credentials (client ${target}, the standby): whoever still uses them`;
}

async function planSecret(ctx: CliContext, access: GenesysAccess, meta: SecretMeta): Promise<SecretPlan> {
  const base = { name: meta.name, arn: meta.arn, nextRotation: meta.rotationEnabled ? (meta.nextRotationDate?.toISOString() ?? null) : null, dependents: DEPENDENTS };
  const since = meta.lastRotatedDate ?? meta.createdDate;
  let doc: SecretDocument | undefined;
  let problem: string | undefined;
  try {
    doc = await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT });
    if (doc === undefined) problem = 'no AWSCURRENT value';
  } catch (error) {
    problem = failureDetail(error);
  }
  let target: string | undefined;
  if (doc !== undefined) {
    try {
      target = planCreate(doc).targetClientId;
    } catch (error) {
      problem = failureDetail(error);
    }
  }
  if (doc === undefined || target === undefined) {
    const detail = problem ?? 'unreadable';
    return {
      ...base,
      strategy: doc?.strategy ?? null,
      lastRotation: since.toISOString(),
      regenerates: null,
      stopsWorking: 'unknown',
      drain: { verdict: 'unknown', requests: null, lastUsedDay: null, detail },
      admin: { ok: false, detail },
      parity: { ok: null, detail: 'not checked' },
      clientStates: { ok: null, detail: 'not checked' },
      cutsOffClientInUse: false,
      ok: false,
    };
  }

  const genesys = ctx.genesys(doc.environment);
  let admin: SecretPlan['admin'];
  let token;
  let clientStates: SecretPlan['clientStates'] = { ok: null, detail: 'no admin token: not checked' };
  try {
    token = await access.adminToken(meta.arn, doc);
    const targetClient = await genesys.getOAuthClient(token, target);
    admin = { ok: true, detail: `admin token ok; client ${target} readable (oauth:client:edit not checked)` };
    // Alternating: the target is the standby. Single: it is the current client.
    const current = doc.strategy === 'single' ? targetClient : await genesys.getOAuthClient(token, doc.clientId);
    const verdict = judgeClientStates({ clientId: current.id, state: current.state }, doc.strategy === 'single' ? undefined : { clientId: targetClient.id, state: targetClient.state });
    clientStates = { ok: verdict.ok, detail: verdict.detail };
  } catch (error) {
    admin = { ok: false, detail: `admin pair cannot act on client ${target}: ${failureDetail(error)}` };
  }

  let drain: SecretPlan['drain'];
  if (doc.strategy === 'single') {
    drain = { verdict: 'not-applicable', requests: null, lastUsedDay: null, detail: 'single: the rotation regenerates the client consumers use (by design)' };
  } else if (token === undefined) {
    drain = { verdict: 'unknown', requests: null, lastUsedDay: null, detail: 'no admin token: usage not checked' };
  } else {
    try {
      const usage = await checkUsageSince(genesys, token, target, since, new Date());
      drain = { verdict: usage.verdict, requests: usage.requests, lastUsedDay: usage.lastUsedDay ?? null, detail: describeUsage(usage) };
    } catch (error) {
      drain = { verdict: 'unknown', requests: null, lastUsedDay: null, detail: `usage not available: ${failureDetail(error)}` };
    }
  }

  let parity: SecretPlan['parity'] = { ok: null, detail: 'single: no pair' };
  const standby = doc.alternateClientId;
  if (doc.strategy === 'alternating' && standby !== undefined) {
    if (token === undefined) {
      parity = { ok: null, detail: 'no admin token: not checked' };
    } else {
      try {
        const [current, other] = await Promise.all([genesys.getOAuthClient(token, doc.clientId), genesys.getOAuthClient(token, standby)]);
        const drift = compareRoles(current, other);
        parity = drift.identical
          ? { ok: true, detail: 'identical roles and divisions' }
          : {
              ok: false,
              detail: `role drift: ${[drift.onlyFirst.length > 0 ? `only ${doc.clientId} has [${drift.onlyFirst.join(', ')}]` : '', drift.onlySecond.length > 0 ? `only ${standby} has [${drift.onlySecond.join(', ')}]` : '']
                .filter((part) => part !== '')
                .join('; ')}`,
            };
      } catch (error) {
        parity = { ok: false, detail: `could not read the pair's clients: ${failureDetail(error)}` };
      }
    }
  }

  const cutsOffClientInUse = drain.verdict === 'in-use';
  return {
    ...base,
    strategy: doc.strategy,
    lastRotation: since.toISOString(),
    regenerates: target,
    stopsWorking: stopsWorking(doc, target),
    drain,
    admin,
    parity,
    clientStates,
    cutsOffClientInUse,
    ok: !cutsOffClientInUse && admin.ok && parity.ok !== false && clientStates.ok !== false,
  };
}

function drainCell(plan: SecretPlan): string {
  switch (plan.drain.verdict) {
    case 'in-use':
      return `IN USE (${plan.drain.requests ?? 0} req${plan.drain.lastUsedDay !== null ? `, last ${plan.drain.lastUsedDay}` : ''})`;
    case 'maybe-in-use':
      return `maybe (${plan.drain.requests ?? 0} req on rotation day)`;
    case 'idle':
      return 'idle';
    case 'not-applicable':
      return 'n/a (single)';
    case 'unknown':
      return 'unknown';
  }
}

export async function runPlan(ctx: CliContext, parsed: ParsedCommand, out: Output): Promise<ExitCode> {
  const named = parsed.positionals[0];
  const secrets = await namedOrAllManagedSecrets(ctx.secretsManager, named);
  const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
  const plans: SecretPlan[] = [];
  for (const meta of secrets) plans.push(await planSecret(ctx, access, meta));
  const ok = plans.every((p) => p.ok);
  const exitCode = ok ? EXIT.ok : EXIT.checkFailed;
  if (out.json) {
    out.document({ ok, secrets: plans, holdWhileInUse: HOLD, exitCode });
    return exitCode;
  }
  if (plans.length === 0) {
    out.line(NO_MANAGED_SECRETS);
    return exitCode;
  }
  out.line(
    table(
      ['SECRET', 'NEXT ROTATION', 'REGENERATES', 'DRAIN', 'ADMIN', 'PARITY'],
      plans.map((p) => [
        p.name,
        p.nextRotation === null ? 'not scheduled' : p.nextRotation.slice(0, 16).replace('T', ' '),
        p.regenerates ?? '?',
        drainCell(p),
        p.admin.ok ? 'ok' : 'FAIL',
        p.parity.ok === null ? '-' : p.parity.ok ? 'ok' : 'FAIL',
      ]),
    ),
  );
  out.line();
  for (const p of plans) {
    out.line(`${p.name}: stops working: ${p.stopsWorking}`);
    if (p.drain.verdict !== 'not-applicable') out.line(`  drain: ${p.drain.detail}`);
    if (!p.admin.ok) out.line(`  admin: ${p.admin.detail}`);
    if (p.parity.ok === false) out.line(`  parity: ${p.parity.detail}`);
    // Shown when not plainly active: a disabled standby is expected after an emergency, anything else fails.
    if (p.clientStates.ok === false || /disabled/.test(p.clientStates.detail)) out.line(`  clients: ${p.clientStates.detail}`);
  }
  out.line();
  out.line(`Dependents: ${DEPENDENTS}.`);
  out.line(`Hold: ${HOLD}.`);
  const cut = plans.filter((p) => p.cutsOffClientInUse).length;
  const failed = plans.filter((p) => !p.ok).length;
  out.line(
    `${plans.length} secret${plans.length === 1 ? '' : 's'} planned: ${plans.length - failed} ok, ${failed} not ok` +
      `${cut > 0 ? `; ${cut} would cut off a client still in use` : ''}${failed > 0 ? ' -> FAIL' : ''}`,
  );
  return exitCode;
}
