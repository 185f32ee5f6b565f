/**
 * `bootstrap`: from a freshly deployed stack (every managed secret holds the deployment's placeholder,
 * `clientSecret: ""`) to rotating, with the smallest human step Genesys Cloud allows: the operator types
 * the first admin client's secret once. Then:
 * 1. the secret is proven (a token for the client the deployment names, `tokens/me`), the standby is
 *    checked to be its twin, and the pair is stored in the admin pair secret;
 * 2. the admin pair rotates twice: the first rotation regenerates the standby (whose secret the Genesys
 *    UI showed when it was made), the second the typed client, so no admin secret a human has seen
 *    still works; the typed (or hand-loaded) secret is then shown to be refused;
 * 3. every managed secret the admin pair rotates, and that the rotator has not rotated since a human
 *    loaded it, rotates once, through the admin pair.
 * Resumable: each run looks at where things stand (placeholder or loaded, which version a human has
 * seen, pending rotations, last rotation dates), reports what is done, and does only what is left. The
 * secret is asked for only while the admin pair is still empty. It is never printed, logged or stored
 * anywhere but in the admin pair secret.
 */
import { AWSCURRENT } from '../../lambdas/core/aws/secrets-store';
import { RotatorError, ValidationError } from '../../lambdas/core/errors';
import type { OAuthClientInfo } from '../../lambdas/core/genesys/types';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { numberOption, PROGRAM, stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import { describeSecret, listVersions, pendingVersionId, readDocument, type SecretMeta } from '../aws/managed-secrets';
import { inspectAdmin, loadAdminPair, markSeen, secretRefused, seenDocument, typedClientOf } from '../bootstrap/admin-pair';
import { rotateOnce } from '../bootstrap/rotate-once';
import { LEDGER_OPTIONS, ledgerTableOption } from '../ledger/options';
import { recordRotationRequests } from '../ledger-request';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import type { CliIo, Output } from '../io';
import type { Progress } from '../progress';
import { shortDate, table } from '../render/text';
import { howToGiveSecret, readSecret } from '../secret-prompt';
import { chooseAdmin, readManaged, type ManagedDoc } from './discover';
import { DEFAULT_TIMEOUT_SECONDS, WAIT_OPTIONS } from './rotate';

const NEVER_AN_ARGUMENT = `never given on the command line: ${howToGiveSecret("the admin client's secret is")}`;

export const bootstrapCommand: CommandSpec = {
  name: 'bootstrap',
  summary: 'From a freshly deployed stack to rotating: type the first admin secret once; no secret a human saw keeps working',
  usage: 'bootstrap [--admin-secret NAME] [--admin-client-id ID] [--timeout SECONDS] [--dry-run]',
  description: [
    'Reads the first admin client\'s secret once (a prompt without echo, or one line piped on standard input:',
    `"pass show genesys/admin | ${PROGRAM} bootstrap"), checks that it gets a token for the admin client the`,
    'deployment names (GET /api/v2/tokens/me) and that the deployment\'s standby is its twin (same roles,',
    'divisions and token lifetime; a missing standby is created, which needs oauth:client:add, and must then',
    'be named in the deployment file), and stores the pair in the admin pair secret. Then rotates the admin',
    'pair twice (standby, then the typed client), so no admin secret a human has seen still works, and shows',
    'that Genesys Cloud refuses the typed secret. Then rotates once every managed secret of that admin pair',
    'that the rotator has not rotated since its value was loaded. Resumable: run it again after any failure;',
    'it reports what is done and does the rest, and asks for the secret only while the admin pair is empty.',
    'Exit 0 when everything is done, 1 when something is left or failed. Never prints a secret or a token.',
  ].join('\n'),
  options: {
    'admin-secret': { type: 'string', value: 'NAME', description: 'Managed admin-pair secret to bootstrap (default: the only admin pair)' },
    'admin-client-id': {
      type: 'string',
      value: 'ID',
      description: "Which of the pair's two clients the typed secret belongs to (default: the document's clientId)",
    },
    timeout: WAIT_OPTIONS.timeout,
    'ledger-table': LEDGER_OPTIONS['ledger-table'],
    'dry-run': { type: 'boolean', description: 'Show what is done and what a run would do; change nothing and ask for nothing' },
    // A secret is never an argument: refused with how to give it instead.
    secret: { type: 'string', description: 'refused', refused: NEVER_AN_ARGUMENT },
    'client-secret': { type: 'string', description: 'refused', refused: NEVER_AN_ARGUMENT },
    'admin-client-secret': { type: 'string', description: 'refused', refused: NEVER_AN_ARGUMENT },
    password: { type: 'string', description: 'refused', refused: NEVER_AN_ARGUMENT },
  },
  // One positional is accepted by the parser only so that it can be refused here without being echoed.
  positionals: { min: 0, max: 1 },
  examples: [`${PROGRAM} bootstrap`, `pass show genesys/acme-admin | ${PROGRAM} bootstrap --json`, `${PROGRAM} bootstrap --dry-run`],
};

/** `done`: found done; `did now`: done by this run; `left`: still to do (a dry run's "would do"); `failed`: tried and failed. */
export type BootstrapStatus = 'done' | 'did now' | 'left' | 'failed';

export interface BootstrapStep {
  readonly step: string;
  readonly secret: string;
  readonly status: BootstrapStatus;
  readonly detail: string;
}

const LOAD = 'load admin pair';
const ADMIN_ROTATIONS = ['rotate admin pair (1/2: standby)', 'rotate admin pair (2/2: seen client)'] as const;
/** The secret a human has seen (typed at the prompt, or loaded by hand) no longer gets a token. */
const REFUSED = 'seen secret refused';
const ROTATE_CLIENT = 'rotate once';

function failureText(error: unknown): string {
  if (error instanceof RotatorError) return error.message;
  return error instanceof Error ? error.name : 'unexpected failure';
}

/** `adminSecretId` may be the admin secret's name or ARN (DESIGN.md §3). */
function rotatedBy(doc: SecretDocument, admin: SecretMeta): boolean {
  return doc.adminSecretId === admin.arn || doc.adminSecretId === admin.name;
}

/** The `--admin-secret` admin pair; an unknown value is not repeated (someone may have put the secret there). */
async function chooseAdminQuietly(ctx: CliContext, managed: readonly ManagedDoc[], named: string | undefined): Promise<ManagedDoc> {
  try {
    return await chooseAdmin(ctx, managed, named);
  } catch (error) {
    if (named === undefined || !(error instanceof ValidationError)) throw error;
    throw usageError('--admin-secret', `the name or ARN of a managed admin-pair secret (the value given is not one, and is not repeated here in case it was a secret; ${NEVER_AN_ARGUMENT})`);
  }
}

interface Run {
  readonly ctx: CliContext;
  readonly dryRun: boolean;
  readonly timeoutMs: number;
  readonly progress: Progress;
  readonly steps: BootstrapStep[];
  /** Writes the ledger's request record (who asked: `bootstrap`) for a rotation this run started. */
  readonly recordRequest: (meta: SecretMeta, versionId: string) => Promise<void>;
}

function add(run: Run, step: string, secret: string, status: BootstrapStatus, detail: string): void {
  run.steps.push({ step, secret, status, detail });
}

/** Rotates once (or finishes a pending rotation); reports it as a step. @returns whether it finished. */
async function rotateStep(run: Run, step: string, meta: SecretMeta, what: string): Promise<boolean> {
  if (run.dryRun) {
    add(run, step, meta.name, 'left', `would rotate: ${what}`);
    return false;
  }
  try {
    const result = await rotateOnce(run.ctx.secretsManager, meta.arn, { timeoutMs: run.timeoutMs, pollIntervalMs: run.ctx.pollIntervalMs, progress: run.progress });
    if (!result.succeeded) {
      const status = result.outcome === 'not-finished' ? 'left' : 'failed';
      add(run, step, meta.name, status, `${result.failure ?? 'the rotation did not finish'}; run bootstrap again to wait for it`);
      return false;
    }
    // A resumed rotation was started (and recorded) by an earlier run.
    if (!result.resumed) await run.recordRequest(meta, result.versionId);
    add(run, step, meta.name, 'did now', `${what}; version ${result.versionId} is AWSCURRENT${result.resumed ? ' (finished the rotation an earlier run left pending)' : ''}`);
    return true;
  } catch (error) {
    run.progress.done();
    add(run, step, meta.name, 'failed', failureText(error));
    return false;
  }
}

/** Step 1, and the admin pair's state after it; `undefined` when the steps after it cannot run. */
async function loadStep(run: Run, io: CliIo, admin: ManagedDoc, adminClientId: string | undefined, managedClientIds: string[]): Promise<{ typed?: { clientId: string; clientSecret: string } } | undefined> {
  const { ctx } = run;
  const state = await inspectAdmin(ctx.secretsManager, admin.meta, admin.doc);
  if (state.loaded) {
    add(run, LOAD, admin.meta.name, 'done', `AWSCURRENT holds the pair (current client ${admin.doc.clientId}); the secret is not asked for${adminClientId !== undefined ? ' (--admin-client-id ignored)' : ''}`);
    return {};
  }
  const { clientId } = typedClientOf(admin.doc, adminClientId);
  if (run.dryRun) {
    add(run, LOAD, admin.meta.name, 'left', `would ask for the secret of admin client ${clientId}, check it and its standby ${admin.doc.alternateClientId ?? '?'}, and store the pair`);
    return undefined;
  }
  const secret = await readSecret(io.stdin, io.stderr, `Secret of admin client ${clientId} (${admin.meta.name}; not shown as you type): `, 'admin client secret');
  const result = await loadAdminPair(ctx.secretsManager, { meta: admin.meta, doc: admin.doc, genesys: ctx.genesys(admin.doc.environment), typedSecret: secret, adminClientId, managedClientIds });
  if (result.kind === 'standby-missing') {
    add(run, LOAD, admin.meta.name, 'left', result.detail);
    return undefined;
  }
  add(run, LOAD, admin.meta.name, 'did now', result.detail);
  return { typed: { clientId: result.clientId, clientSecret: secret } };
}

/** Steps 2 and 3. @returns whether no admin secret a human has seen works any more. */
async function adminSteps(run: Run, adminArn: string, typed: { clientId: string; clientSecret: string } | undefined): Promise<boolean> {
  const { ctx } = run;
  let meta = await describeSecret(ctx.secretsManager, adminArn);
  let doc = await readDocument(ctx.secretsManager, adminArn, { stage: AWSCURRENT });
  if (doc === undefined) throw new RotatorError(`Secret ${meta.name} has no AWSCURRENT value`);
  const state = await inspectAdmin(ctx.secretsManager, meta, doc);
  const seen = state.seenVersionId;
  // Record it before rotating: once rotated, an untagged secret no longer shows which version was seen.
  if (seen !== undefined && state.rotationsLeft > 0 && !run.dryRun) await markSeen(ctx.secretsManager, adminArn, seen);
  // The seen secret, to show it refused at the end: typed now, or still readable from its version.
  const seenCredentials = typed ?? (seen === undefined ? undefined : await seenDocument(ctx.secretsManager, adminArn, seen));
  const alreadyDone = 2 - state.rotationsLeft;
  let clean = true;
  for (const [index, step] of ADMIN_ROTATIONS.entries()) {
    if (index < alreadyDone) {
      add(run, step, meta.name, 'done', index === 0 && state.rotationsLeft === 0 ? `rotated since the version a human saw (${seen ?? 'none recorded'}); ${state.reason}` : 'rotated since the version a human saw');
      continue;
    }
    if (!clean) {
      add(run, step, meta.name, 'left', 'waits for the rotation before it');
      continue;
    }
    const regenerated = doc.alternateClientId ?? '?';
    const what = `regenerated client ${regenerated}${regenerated === seenCredentials?.clientId ? `, whose secret ${typed !== undefined ? 'was typed' : 'a human saw'}` : ''}`;
    clean = await rotateStep(run, step, meta, what);
    if (clean) {
      meta = await describeSecret(ctx.secretsManager, adminArn);
      doc = (await readDocument(ctx.secretsManager, adminArn, { stage: AWSCURRENT })) ?? doc;
    }
  }
  if (!clean) {
    add(run, REFUSED, meta.name, 'left', 'checked once the admin pair has rotated twice');
    return false;
  }
  if (seenCredentials === undefined) {
    add(run, REFUSED, meta.name, 'done', 'inferred: both clients were regenerated since the version a human saw (that version is no longer readable to check)');
    return true;
  }
  try {
    const check = await secretRefused(ctx.genesys(doc.environment), seenCredentials.clientId, seenCredentials.clientSecret);
    const whose = typed !== undefined ? 'the secret typed' : `the secret a human saw (version ${seen ?? '?'})`;
    add(run, REFUSED, meta.name, check.refused ? (typed !== undefined ? 'did now' : 'done') : 'failed', `${whose} for client ${seenCredentials.clientId}: ${check.detail}`);
    return check.refused;
  } catch (error) {
    add(run, REFUSED, meta.name, 'failed', `could not check: ${failureText(error)}`);
    return false;
  }
}

/** Whether the rotator wrote the current value: it rotated, and nobody wrote a version after that. */
async function rotatedSinceLoaded(ctx: CliContext, meta: SecretMeta): Promise<{ rotated: boolean; detail: string }> {
  if (pendingVersionId(meta) !== undefined) return { rotated: false, detail: `a rotation is pending (version ${pendingVersionId(meta) ?? '?'})` };
  if (meta.lastRotatedDate === undefined) return { rotated: false, detail: 'never rotated' };
  const current = Object.entries(meta.versionStages).find(([, stages]) => stages.includes(AWSCURRENT))?.[0];
  const created = (await listVersions(ctx.secretsManager, meta.arn, false)).find((v) => v.versionId === current)?.createdDate;
  if (created !== undefined && created.getTime() > meta.lastRotatedDate.getTime()) return { rotated: false, detail: `a value was written after its last rotation (${shortDate(meta.lastRotatedDate.toISOString())})` };
  return { rotated: true, detail: `rotated by the rotator ${shortDate(meta.lastRotatedDate.toISOString())} (version ${current ?? '?'})` };
}

/** Step 4: each managed secret of the admin pair, once. */
async function clientSteps(run: Run, admin: ManagedDoc, bound: readonly ManagedDoc[], adminClean: boolean): Promise<void> {
  const { ctx } = run;
  let clients: readonly OAuthClientInfo[] | undefined;
  if (adminClean && bound.length > 0) {
    try {
      const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
      const adminDoc = (await readDocument(ctx.secretsManager, admin.meta.arn, { stage: AWSCURRENT })) ?? admin.doc;
      clients = await access.api(adminDoc.environment).listOAuthClients(await access.adminToken(admin.meta.arn, adminDoc));
    } catch {
      clients = undefined; // the check below is a courtesy; the rotation itself reports a missing client
    }
  }
  for (const { meta: listed, doc } of bound) {
    const meta = await describeSecret(ctx.secretsManager, listed.arn);
    const state = await rotatedSinceLoaded(ctx, meta);
    if (state.rotated) {
      add(run, ROTATE_CLIENT, meta.name, 'done', state.detail);
      continue;
    }
    if (!adminClean) {
      add(run, ROTATE_CLIENT, meta.name, 'left', `${state.detail}; waits for the admin pair`);
      continue;
    }
    const missing = [doc.clientId, doc.alternateClientId].filter((id): id is string => id !== undefined && clients !== undefined && !clients.some((c) => c.id === id));
    if (missing.length > 0) {
      const standbyOnly = doc.strategy === 'alternating' && missing.length === 1 && missing[0] === doc.alternateClientId;
      add(
        run,
        ROTATE_CLIENT,
        meta.name,
        'left',
        standbyOnly
          ? `its standby ${missing[0] ?? ''} does not exist in the organisation: create it with "${PROGRAM} pair ${doc.clientId}", set clients[].alternateClientId to the new id in the deployment file, deploy, and run bootstrap again`
          : `client(s) ${missing.join(', ')} named by the deployment do not exist in the organisation: correct the deployment file, deploy, and run bootstrap again`,
      );
      continue;
    }
    const regenerated = doc.strategy === 'alternating' ? (doc.alternateClientId ?? '?') : doc.clientId;
    const note = doc.strategy === 'alternating' ? `; client ${doc.clientId} keeps any secret it had until the next scheduled rotation regenerates it` : '';
    await rotateStep(run, ROTATE_CLIENT, meta, `${state.detail}: regenerated client ${regenerated} through the admin pair${note}`);
  }
}

function closingLine(steps: readonly BootstrapStep[], dryRun: boolean): string {
  const open = steps.filter((s) => s.status === 'left' || s.status === 'failed');
  if (open.length === 0) {
    return 'Bootstrap complete: no admin secret a human has seen still works, and every managed secret holds a value the rotator made.';
  }
  const failed = open.filter((s) => s.status === 'failed').length;
  const count = `${open.length} step${open.length === 1 ? '' : 's'}`;
  if (dryRun) return `Dry run: ${count} left; nothing was changed and nothing was asked for.`;
  return `Left: ${count}${failed > 0 ? ` (${failed} failed)` : ''}. Fix what DETAIL says and run "${PROGRAM} bootstrap" again: it continues from here.`;
}

export async function runBootstrap(ctx: CliContext, parsed: ParsedCommand, out: Output, progress: Progress, io: CliIo): Promise<ExitCode> {
  const { values } = parsed;
  if (parsed.positionals.length > 0) {
    // Not repeated: an argument here is most likely the secret itself.
    throw new ValidationError('bootstrap takes no arguments', 'arguments', `none; the secret is ${NEVER_AN_ARGUMENT}. If it was typed in a shell, clear it from the history (bootstrap regenerates it anyway once it has the secret from stdin)`);
  }
  const timeoutMs = numberOption(values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 }) * 1000;
  const adminClientId = stringOption(values, 'admin-client-id');
  const managed = await readManaged(ctx, out);
  const admin = await chooseAdminQuietly(ctx, managed, stringOption(values, 'admin-secret'));
  if (adminClientId !== undefined && admin.doc.clientSecret === '') typedClientOf(admin.doc, adminClientId); // a bad flag fails before the prompt
  const bound = managed.filter((m) => m.meta.arn !== admin.meta.arn && rotatedBy(m.doc, admin.meta));
  ledgerTableOption(values); // a bad --ledger-table fails before the prompt
  const recordRequest = async (meta: SecretMeta, versionId: string): Promise<void> => {
    await recordRotationRequests(ctx, values, out, meta, [versionId], { rotationKind: 'manual', command: 'bootstrap', requestedAt: new Date() }, io.env);
  };
  const run: Run = { ctx, dryRun: values['dry-run'] === true, timeoutMs, progress, steps: [], recordRequest };

  const loaded = await loadStep(
    run,
    io,
    admin,
    adminClientId,
    bound.flatMap((m) => [m.doc.clientId, ...(m.doc.alternateClientId !== undefined ? [m.doc.alternateClientId] : [])]),
  );
  let adminClean = false;
  if (loaded === undefined) {
    for (const step of ADMIN_ROTATIONS) add(run, step, admin.meta.name, 'left', 'waits for the admin pair to be loaded');
    add(run, REFUSED, admin.meta.name, 'left', 'checked once the admin pair has rotated twice');
  } else {
    adminClean = await adminSteps(run, admin.meta.arn, loaded.typed);
  }
  await clientSteps(run, admin, bound, adminClean);

  const complete = run.steps.every((s) => s.status === 'done' || s.status === 'did now');
  const exitCode = complete ? EXIT.ok : EXIT.checkFailed;
  const closing = closingLine(run.steps, run.dryRun);
  if (out.json) {
    out.document({ adminSecret: admin.meta.name, dryRun: run.dryRun, complete, steps: run.steps, summary: closing, exitCode });
    return exitCode;
  }
  out.line(table(['STEP', 'SECRET', 'STATUS', 'DETAIL'], run.steps.map((s) => [s.step, s.secret, s.status, s.detail])));
  out.line();
  out.line(closing);
  return exitCode;
}
