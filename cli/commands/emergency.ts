/**
 * `emergency <secret> --reason TEXT`: revoke leaked credentials now (DESIGN.md §3). Tags the secret
 * `genesys-rotator:emergency=requested=<time> reason=<reason>` and makes sure a rotation that honours
 * it runs to its end: a rotation honours an emergency only if its new secret was made after the
 * request (lambdas/core/rotation/emergency-tag.ts), so a rotation already in flight is waited for and
 * followed by a fresh one. Then checks that every credential stored when the emergency was requested
 * (AWSCURRENT, AWSPREVIOUS and an in-flight AWSPENDING) is refused by Genesys Cloud. Exits 0 only then.
 *
 * Access tokens (issue 14): the rotation disables the leaked client of an alternating pair (and, with
 * `--end-tokens`, disables and re-enables a single client around its regenerate), which ends the tokens
 * it issued before. The command proves it: before tagging it takes one token with the leaked current
 * credentials (a thief's token), and afterwards asks Genesys Cloud whether that token still works.
 */
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../lambdas/core/aws/secrets-store';
import { GenesysAuthError, RotationError, SecretsManagerError } from '../../lambdas/core/errors';
import type { AccessToken } from '../../lambdas/core/genesys/types';
import { describeError } from '../../lambdas/core/redaction';
import { TAGS } from '../../lambdas/core/rotation/engine';
import type { SecretDocument } from '../../lambdas/core/secret-document';
import { formatDuration } from '../../lambdas/core/status/classify';
import { DEFAULT_USAGE_DAYS } from '../../lambdas/core/status/usage-check';
import { numberOption, stringOption, usageError, type CommandSpec, type ParsedCommand } from '../args';
import { describeSecret, pendingVersionId, readDocument, resolveManagedSecret, startRotation, tagSecret, untagSecret, type SecretMeta } from '../aws/managed-secrets';
import type { CliContext } from '../context';
import { emergencyTagValue, MAX_REASON_LENGTH, reasonOf, sanitiseReason } from '../emergency-reason';
import { EXIT, type ExitCode } from '../exit-codes';
import { GenesysAccess } from '../genesys-access';
import { readLine, type CliIo, type Output } from '../io';
import { recordRotationRequests } from '../ledger-request';
import type { Progress } from '../progress';
import { renderSteps, waitForRotation, type RotationWaitResult } from '../wait-rotation';
import { DEFAULT_TIMEOUT_SECONDS, usageBefore, usageLine, WAIT_OPTIONS } from './rotate';

const DEFAULT_TOKEN_LIFETIME_SECONDS = 86_400;
/**
 * Rotations one run waits for at most: the one in flight, a fresh one, and one more in case the fresh
 * one did not honour the request either (the tag was re-written meanwhile, or it was recovered).
 */
const MAX_ROTATIONS = 3;

export const emergencyCommand: CommandSpec = {
  name: 'emergency',
  summary: 'Revoke leaked credentials: tag and rotate at once, wait, report what was revoked',
  usage: 'emergency <secret> --reason TEXT [--end-tokens] [--yes] [--timeout SECONDS]',
  description: [
    'For a secret that leaked. Tags it genesys-rotator:emergency="requested=<now> reason=<reason>" and rotates',
    'it now. The rotation regenerates the credentials that were current (for an alternating pair: the previous',
    'client too, so no leaked secret survives), then clears the tag. A rotation already in flight made its new',
    'secret before the request, so it cannot honour it: the command waits for it, then rotates again. Before',
    'that it shows which client is revoked and, for an alternating pair, whether it is in use (consumers still',
    'holding it fail until they re-read the secret). Asks for confirmation unless --yes. Afterwards it checks',
    'that Genesys Cloud refuses every credential stored when the emergency was requested.',
    'Access tokens: for an alternating pair the rotation also disables the leaked client, so the tokens it issued',
    'before die at once; it stays disabled while it is the standby, and the next rotation enables it before',
    'regenerating it. A single client keeps serving, so its tokens end only with --end-tokens: the client is',
    'disabled just before its regenerate and enabled again right after the new secret is stored, and consumers',
    "are refused in between. Without it, a single client's tokens stay valid until they expire (up to its token",
    'lifetime, default 24 h).',
    'The command checks the outcome with a token it takes from the leaked credentials just before the emergency.',
    `--reason is required (stored in the tag: letters, digits, spaces and _ . : / = + - @; other characters become`,
    `spaces; ${MAX_REASON_LENGTH} characters at most). --timeout bounds the whole wait, all rotations included.`,
    'Exits 0 only when a rotation honoured the emergency (tag cleared) and the old credentials are refused;',
    'otherwise exits 1, says what is known, and leaves the tag set: the next rotation honours it.',
  ].join('\n'),
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'Why (required); kept in the emergency tag until a rotation honours it' },
    'end-tokens': { type: 'boolean', description: 'Single: also end access tokens issued before (disables the client around its regenerate: a short interruption)' },
    yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation' },
    ...WAIT_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  examples: [
    'genesys-rotator emergency genesys-rotator/acme/crm --reason "secret pasted in ticket 4711" --yes',
    'genesys-rotator emergency genesys-rotator/acme/ops --reason "laptop stolen" --end-tokens --yes',
  ],
};

interface LeakCheck {
  /** Where the credentials were stored when the emergency was requested. */
  readonly stage: string;
  readonly clientId: string;
  /** true: Genesys Cloud refuses the leaked credentials; false: they still work; null: could not tell. */
  readonly refused: boolean | null;
  readonly detail: string;
}

interface StoredCredentials {
  readonly stage: string;
  readonly doc: SecretDocument;
}

/** One rotation the command waited for. */
interface RotationRound {
  /** `in-flight`: running (or stuck) when the command called RotateSecret; `started`: this command started it. */
  readonly origin: 'in-flight' | 'started';
  readonly result: RotationWaitResult;
}

interface EmergencyRun {
  readonly rounds: readonly RotationRound[];
  /** The version whose rotation honoured the emergency (cleared the tag). */
  readonly honouredBy: string | undefined;
  /** Why the emergency is not done, in words. */
  readonly failure: string | undefined;
  /** DescribeSecret at the end. */
  readonly meta: SecretMeta;
}

async function checkLeakedRefused(ctx: CliContext, leaked: StoredCredentials): Promise<LeakCheck> {
  const { stage, doc } = leaked;
  const base = { stage, clientId: doc.clientId };
  try {
    await ctx.genesys(doc.environment).getToken({ clientId: doc.clientId, clientSecret: doc.clientSecret });
    return { ...base, refused: false, detail: `Genesys Cloud STILL ISSUES TOKENS for the leaked credentials of client ${doc.clientId} (${stage} when the emergency was requested)` };
  } catch (error) {
    if (error instanceof GenesysAuthError) {
      return { ...base, refused: true, detail: `Genesys Cloud refuses the leaked credentials of client ${doc.clientId} (${stage} when the emergency was requested: ${error.code ?? 'refused'})` };
    }
    return { ...base, refused: null, detail: `could not check the leaked ${stage} credentials of client ${doc.clientId}: ${String(describeError(error).errorMessage)}` };
  }
}

/**
 * Every credential stored when the emergency was requested: read right after the tag was written,
 * so an in-flight AWSPENDING value is included. Unreadable or duplicate ones are skipped.
 */
async function storedCredentials(ctx: CliContext, secretArn: string): Promise<StoredCredentials[]> {
  const found: StoredCredentials[] = [];
  for (const stage of [AWSCURRENT, AWSPENDING, AWSPREVIOUS]) {
    let doc: SecretDocument | undefined;
    try {
      doc = await readDocument(ctx.secretsManager, secretArn, { stage });
    } catch {
      continue; // an old or foreign value the rotator cannot read: nothing to check
    }
    if (doc !== undefined && doc.clientSecret !== '' && !found.some((f) => f.doc.clientId === doc.clientId && f.doc.clientSecret === doc.clientSecret)) {
      found.push({ stage, doc });
    }
  }
  return found;
}

/** All leaked credentials refused: true; any still works: false; otherwise (some unknown, or none to check) null. */
function allRefused(checks: readonly LeakCheck[]): boolean | null {
  if (checks.some((c) => c.refused === false)) return false;
  if (checks.length === 0 || checks.some((c) => c.refused === null)) return null;
  return true;
}

async function tokenLifetimeSeconds(ctx: CliContext, meta: SecretMeta, doc: SecretDocument): Promise<number | undefined> {
  try {
    const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
    const client = await ctx.genesys(doc.environment).getOAuthClient(await access.adminToken(meta.arn, doc), doc.clientId);
    return client.accessTokenValiditySeconds;
  } catch {
    return undefined; // advisory only: the runbook's default is printed instead
  }
}

/**
 * A token taken with the leaked current credentials before the emergency: what a thief could hold. Only
 * ever sent back to Genesys Cloud (GET /api/v2/tokens/me); `undefined` when it could not be had.
 */
async function takeThiefToken(ctx: CliContext, doc: SecretDocument): Promise<AccessToken | undefined> {
  if (doc.clientSecret === '') return undefined;
  try {
    return await ctx.genesys(doc.environment).getToken({ clientId: doc.clientId, clientSecret: doc.clientSecret });
  } catch {
    return undefined; // the leaked credentials no longer get tokens: nothing to check
  }
}

/** What the emergency did about access tokens, and how that is known. */
interface TokensCheck {
  /** Clients disabled to end their tokens (single end-tokens: enabled again since). */
  readonly disabledClientIds: readonly string[];
  /** true: the token taken before is refused; false: it still works; null: not checked or not known. */
  readonly tokensEnded: boolean | null;
  readonly detail: string;
}

/** Whether Genesys Cloud still accepts the token taken before the emergency (GET /api/v2/tokens/me needs no permission). */
async function tokenStillWorks(ctx: CliContext, doc: SecretDocument, token: AccessToken): Promise<boolean | null> {
  try {
    await ctx.genesys(doc.environment).getTokenInfo(token);
    return true;
  } catch (error) {
    return error instanceof GenesysAuthError && error.status === 401 ? false : null;
  }
}

/** Each client's state now, read with the admin pair that manages `doc` (after the rotation: its current one). */
async function clientStates(ctx: CliContext, meta: SecretMeta, doc: SecretDocument, clientIds: readonly string[]): Promise<Record<string, string>> {
  const states: Record<string, string> = {};
  try {
    const access = new GenesysAccess(ctx.secretsManager, ctx.genesys);
    const token = await access.adminToken(meta.arn, doc);
    for (const id of clientIds) states[id] = (await ctx.genesys(doc.environment).getOAuthClient(token, id)).state;
  } catch {
    // advisory only: the token check is the proof
  }
  return states;
}

/**
 * What the emergency did about the tokens issued before it. Alternating (and the admin pair): the
 * rotation disabled the previous client (it stays disabled while standby) and, before its regenerate,
 * the client now current (then the standby; enabled again since): every client whose credentials were
 * stored when the emergency was requested. Single: only with end-tokens, the one client, disabled
 * around its regenerate. The token taken before the emergency says whether they really ended.
 */
async function checkTokens(
  ctx: CliContext,
  meta: SecretMeta,
  leakedDoc: SecretDocument,
  current: SecretDocument | undefined,
  endTokens: boolean,
  thiefToken: AccessToken | undefined,
): Promise<TokensCheck> {
  const works = thiefToken === undefined ? null : await tokenStillWorks(ctx, leakedDoc, thiefToken);
  const proof =
    works === null
      ? 'not checked: no token could be taken with the leaked credentials before'
      : works
        ? `a token taken with the leaked credentials of client ${leakedDoc.clientId} before it STILL WORKS`
        : `a token taken with the leaked credentials of client ${leakedDoc.clientId} before it is refused`;
  if (leakedDoc.strategy === 'single' && !endTokens) {
    return {
      disabledClientIds: [],
      tokensEnded: works === null ? false : !works,
      detail: `not ended: client ${leakedDoc.clientId} keeps serving, so access tokens issued before stay valid until they expire (${proof}); --end-tokens ends them at the cost of a short interruption`,
    };
  }
  const tokensEnded = works === null ? null : !works;
  if (current === undefined) return { disabledClientIds: [], tokensEnded, detail: proof };
  const previous = current.alternateClientId;
  const disabled = previous === undefined ? [current.clientId] : [previous, current.clientId];
  const states = await clientStates(ctx, meta, current, disabled);
  const stateNote = (id: string): string => (states[id] !== undefined ? ` (state now ${states[id]})` : '');
  const detail =
    previous === undefined
      ? `client ${current.clientId} was disabled just before its regenerate and enabled again once the new secret was stored${stateNote(current.clientId)}: ${proof}; ` +
        'consumers were refused in between (the rotate function logs how long: interruptionMs)'
      : `client ${previous} disabled${stateNote(previous)}: it stays disabled while it is the standby, and the next rotation enables it before regenerating it; ` +
        `client ${current.clientId} was disabled before its regenerate, while it was the standby, and enabled again${stateNote(current.clientId)}; ${proof}`;
  return { disabledClientIds: disabled, tokensEnded, detail };
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(`${question} Type "yes" to continue: `);
  const answer = await readLine(io.stdin);
  io.stderr.write('\n');
  return answer !== undefined && /^\s*y(es)?\s*$/i.test(answer);
}

/** RotateSecret refused because a rotation is still in progress ("A previous rotation isn't complete. That rotation will be reattempted."). */
function isRotationInProgress(error: unknown): boolean {
  return error instanceof SecretsManagerError && error.awsErrorName === 'InvalidRequestException' && error.cause instanceof Error && /previous rotation/i.test(error.cause.message);
}

/**
 * Start a rotation, or find the one in flight: RotateSecret refuses while a rotation is in progress
 * and reattempts it (API reference), so that one is waited for. `undefined`: it ended meanwhile.
 */
async function startOrFindRotation(ctx: CliContext, secretArn: string): Promise<{ versionId: string; origin: RotationRound['origin'] } | undefined> {
  try {
    return { versionId: await startRotation(ctx.secretsManager, secretArn), origin: 'started' };
  } catch (error) {
    if (!isRotationInProgress(error)) throw error;
    const pending = pendingVersionId(await describeSecret(ctx.secretsManager, secretArn));
    return pending === undefined ? undefined : { versionId: pending, origin: 'in-flight' };
  }
}

/**
 * Rotate until a rotation honours the emergency (it cleared the tag), within the timeout. A rotation
 * that finishes without honouring it (it was in flight, or the tag was re-written after its
 * createSecret) or is abandoned (a recovered rotation) is followed by a fresh one; a rotation still
 * pending at the timeout ends the run. The tag is removed only if RotateSecret refuses the very first
 * start outright (nothing will ever clear it then, and a later scheduled rotation must not revoke by surprise).
 */
async function honourEmergency(ctx: CliContext, parsed: ParsedCommand, meta: SecretMeta, progress: Progress): Promise<EmergencyRun> {
  const timeoutMs = numberOption(parsed.values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 }) * 1000;
  const deadline = Date.now() + timeoutMs;
  const rounds: RotationRound[] = [];
  for (let attempt = 0; attempt < MAX_ROTATIONS && (attempt === 0 || Date.now() < deadline); attempt++) {
    let started;
    try {
      started = await startOrFindRotation(ctx, meta.arn);
    } catch (error) {
      if (rounds.length === 0) await untagSecret(ctx.secretsManager, meta.arn, TAGS.emergency);
      throw error;
    }
    if (started === undefined) continue; // the rotation in flight ended between the two calls: start again
    const result = await waitForRotation(ctx.secretsManager, {
      secretArn: meta.arn,
      versionId: started.versionId,
      timeoutMs: Math.max(0, deadline - Date.now()),
      pollIntervalMs: ctx.pollIntervalMs,
      emergencyTag: TAGS.emergency,
      progress,
    });
    rounds.push({ origin: started.origin, result });
    if (result.emergency === 'honoured') return { rounds, honouredBy: started.versionId, failure: undefined, meta: result.meta };
    const stillPending = !result.succeeded && (result.meta.versionStages[started.versionId] ?? []).includes(AWSPENDING);
    if (stillPending) break; // timed out: the rotation goes on, the tag stays, nothing more to try now
  }
  const last = rounds.at(-1);
  const finalMeta = last?.result.meta ?? (await describeSecret(ctx.secretsManager, meta.arn));
  const failure =
    last === undefined
      ? 'no rotation could be started'
      : last.result.failure !== undefined
        ? `the last rotation (version ${last.result.versionId}) did not finish: ${last.result.failure}`
        : `${rounds.length} rotation${rounds.length === 1 ? '' : 's'} finished within ${formatDuration(timeoutMs)} but none honoured the emergency (the tag was re-written after their createSecret, or could not be bound: see the rotate function logs)`;
  return { rounds, honouredBy: undefined, failure, meta: finalMeta };
}

/**
 * Why the emergency is not done. A last rotation still pending at the timeout is not called failed:
 * one this command started (after the tag) honours the emergency when it finishes.
 */
function notDoneLine(run: EmergencyRun): string {
  const last = run.rounds.at(-1);
  if (last?.result.outcome === 'not-finished' && !last.result.succeeded) {
    const then =
      last.origin === 'started'
        ? 'it was started after the request, so it honours the emergency once it finishes (if it stays pending, see the rotate function logs)'
        : 'it was in flight before the request, so it cannot honour it: the next rotation does';
    return `NOT DONE YET: the emergency is not done: ${last.result.failure ?? 'the last rotation has not finished'}; ${then}. Until then the leaked credentials may still work: see the runbook.`;
  }
  return `FAILED: the emergency is not done: ${run.failure ?? 'unknown'}. The leaked credentials may still work: see the runbook.`;
}

/**
 * What was revoked: secrets, not clients (a regenerate replaces a client's secret; the client lives on).
 * A `single` client is both the one whose leaked secret died and the one consumers use now, with a new secret.
 */
function revokedLine(revokedClients: readonly string[], currentClient: string | undefined, versionId: string): string {
  const one = revokedClients.length === 1;
  const leaked = `the leaked secret${one ? '' : 's'} of client${one ? '' : 's'} ${revokedClients.join(', ')} (regenerated: ${one ? 'it no longer works' : 'they no longer work'})`;
  const now = one && currentClient === revokedClients[0] ? 'its new secret' : `client ${currentClient ?? '?'} with a new secret`;
  return `Revoked: ${leaked}; consumers now use ${now} (version ${versionId}).`;
}

function roundTitle(round: RotationRound, index: number): string {
  const origin = round.origin === 'in-flight' ? 'in flight when the emergency was requested' : 'started by this command';
  return `Rotation ${index + 1} (version ${round.result.versionId}, ${origin}):`;
}

function roundOutcome(round: RotationRound): string {
  switch (round.result.emergency) {
    case 'honoured':
      return '  Emergency: honoured by this rotation.';
    case 'not-honoured':
      return '  Emergency: not honoured (its new secret was made before the request); rotating again.';
    case 'unknown':
    case undefined:
      return round.result.outcome === 'not-finished'
        ? `  Emergency: not honoured yet: ${round.result.failure ?? 'the rotation has not finished'}.`
        : `  Emergency: not honoured: ${round.result.failure ?? 'the rotation did not finish'}.`;
  }
}

export async function runEmergency(ctx: CliContext, parsed: ParsedCommand, out: Output, progress: Progress, io: CliIo): Promise<ExitCode> {
  // Every input is checked before anything is read or changed.
  const reason = sanitiseReason(stringOption(parsed.values, 'reason'));
  const endTokens = parsed.values['end-tokens'] === true;
  if (reason === undefined) {
    throw usageError('--reason', 'why this emergency rotation is needed, e.g. --reason "secret pasted in ticket 4711" (must contain letters or digits)');
  }
  numberOption(parsed.values, 'timeout', DEFAULT_TIMEOUT_SECONDS, { min: 0 });
  numberOption(parsed.values, 'usage-days', DEFAULT_USAGE_DAYS, { integer: true, min: 1 });
  const meta = await resolveManagedSecret(ctx.secretsManager, parsed.positionals[0] ?? '');
  const doc = await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT });
  if (doc === undefined) throw new RotationError(`Secret ${meta.name} has no AWSCURRENT value. Nothing changed.`);
  const inFlight = pendingVersionId(meta);

  const revoked = doc.clientId;
  const plan =
    doc.strategy === 'alternating'
      ? `revokes client ${revoked} (current, leaked) and disables it, ending its access tokens; regenerates standby ${doc.alternateClientId ?? '?'}, which becomes current`
      : endTokens
        ? `disables client ${revoked} (ending its access tokens), regenerates its secret (the leaked one dies at once) and enables it again: consumers are refused in between`
        : `regenerates the secret of client ${revoked}: the leaked one dies at once; its access tokens are not ended (--end-tokens)`;
  const usage = await usageBefore(ctx, parsed, meta, doc, 'emergency');
  // Asked before the rotation: afterwards the admin pair's own old credentials may be the dead ones.
  const lifetime = (await tokenLifetimeSeconds(ctx, meta, doc)) ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  out.line(`Emergency rotation of ${meta.name} (${doc.strategy}): ${plan}.`);
  out.line(`Reason: ${reason}`);
  if (usage !== null) out.line(usageLine(revoked, usage));
  if (usage !== null && usage.error === undefined && usage.verdict !== 'idle') {
    out.line('Consumers still using these credentials fail until they read the secret again.');
  }
  if (inFlight !== undefined) {
    out.line(`A rotation is in flight (version ${inFlight}): its new secret predates this request, so it cannot honour it; this command waits for it, then rotates again.`);
  }

  if (parsed.values.yes !== true && !(await confirm(io, `Revoke the credentials of client ${revoked} in ${meta.name} now?`))) {
    out.warn('Aborted: nothing changed.');
    if (out.json) out.document({ secret: { name: meta.name, arn: meta.arn }, aborted: true, exitCode: EXIT.checkFailed });
    return EXIT.checkFailed;
  }

  // Before the request: the token a thief could hold, to check afterwards that it is refused.
  const thiefToken = await takeThiefToken(ctx, doc);
  const requestedAt = ctx.now();
  const tagValue = emergencyTagValue(reason, requestedAt, endTokens);
  await tagSecret(ctx.secretsManager, meta.arn, TAGS.emergency, tagValue);
  // Read after the tag is written: every value that exists at the request, an in-flight pending one included.
  const leaked = await storedCredentials(ctx, meta.arn);
  const run = await honourEmergency(ctx, parsed, meta, progress);
  // The ledger's request record (who asked, why) for each rotation this command started; never fails the command.
  await recordRotationRequests(ctx, parsed.values, out, meta, run.rounds.filter((r) => r.origin === 'started').map((r) => r.result.versionId), { rotationKind: 'emergency', command: 'emergency', reason, requestedAt }, io.env);

  const honoured = run.honouredBy !== undefined;
  const current = honoured ? await readDocument(ctx.secretsManager, meta.arn, { stage: AWSCURRENT }) : undefined;
  const checks = honoured ? await Promise.all(leaked.map(async (l) => await checkLeakedRefused(ctx, l))) : [];
  const leakRefused = honoured ? allRefused(checks) : null;
  const tokensValidUntil = new Date(ctx.now().getTime() + lifetime * 1000).toISOString();
  const tagCleared = !Object.hasOwn(run.meta.tags, TAGS.emergency);
  const tokens = honoured ? await checkTokens(ctx, meta, doc, current, endTokens, thiefToken) : undefined;
  // A token that should have ended but still works fails the command; one not meant to end does not.
  const tokensOk = tokens === undefined || tokens.disabledClientIds.length === 0 || tokens.tokensEnded !== false;
  const ok = honoured && tagCleared && leakRefused !== false && tokensOk;
  const exitCode = ok ? EXIT.ok : EXIT.checkFailed;
  // Every client whose stored credentials the emergency killed, the leaked current one first.
  const revokedClients = [...new Set([revoked, ...leaked.map((l) => l.doc.clientId)])];
  const last = run.rounds.at(-1)?.result;
  const final = run.rounds.find((r) => r.result.versionId === run.honouredBy)?.result ?? last;

  if (out.json) {
    out.document({
      secret: { name: meta.name, arn: meta.arn },
      strategy: doc.strategy,
      reason: reasonOf(tagValue),
      requestedAt: requestedAt.toISOString(),
      inFlightVersionId: inFlight ?? null,
      honoured,
      honouredByVersionId: run.honouredBy ?? null,
      versionId: final?.versionId ?? null,
      succeeded: final?.succeeded ?? false,
      outcome: final?.outcome ?? null,
      failure: run.failure ?? null,
      steps: final?.steps ?? [],
      rotations: run.rounds.map((r) => ({
        versionId: r.result.versionId,
        origin: r.origin,
        succeeded: r.result.succeeded,
        outcome: r.result.outcome,
        emergency: r.result.emergency ?? 'unknown',
        failure: r.result.failure ?? null,
        steps: r.result.steps,
      })),
      revokedClientId: honoured ? revoked : null,
      revokedClientIds: honoured ? revokedClients : [],
      currentClientId: current?.clientId ?? null,
      emergencyTagCleared: tagCleared,
      leakedCredentialsRefused: leakRefused,
      leakChecks: checks,
      usageOfRevokedClient: usage,
      tokenLifetimeSeconds: lifetime,
      endTokens,
      disabledClientIds: tokens?.disabledClientIds ?? [],
      tokensEnded: tokens?.tokensEnded ?? null,
      tokensCheck: tokens?.detail ?? null,
      tokensMayStayValidUntil: tokens !== undefined && tokens.disabledClientIds.length > 0 ? null : tokensValidUntil,
      exitCode,
    });
    return exitCode;
  }
  run.rounds.forEach((round, index) => {
    out.line(roundTitle(round, index));
    for (const line of renderSteps(round.result.steps)) out.line(line);
    out.line(roundOutcome(round));
  });
  if (!honoured) {
    out.line(notDoneLine(run));
    out.line(`Emergency tag: ${tagCleared ? 'cleared' : 'still set (the next rotation honours it)'}.`);
    return exitCode;
  }
  out.line(revokedLine(revokedClients, current?.clientId, run.honouredBy));
  for (const check of checks) out.line(`Check: ${check.detail}.`);
  out.line(`Emergency tag: ${tagCleared ? 'cleared' : 'STILL SET'}.`);
  if (tokens === undefined || tokens.disabledClientIds.length === 0) {
    out.line(`Access tokens issued before the rotation stay valid until ${tokensValidUntil} (token lifetime ${lifetime} s): they were not ended.`);
  }
  if (tokens !== undefined) out.line(`Access tokens: ${tokens.detail}.`);
  return exitCode;
}
