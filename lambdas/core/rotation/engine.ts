/**
 * The rotation engine: Secrets Manager's four steps (DESIGN.md §3) behind one guard.
 *
 * Every step may be called again after a crash or a timeout, so each one first looks at what is
 * already done: createSecret skips a pending version that has a value, finishSecret on a version
 * that is already AWSCURRENT only repeats the tail (remove AWSPENDING, revoke, disable, publish, untag).
 * Client-state changes (issue 14, client-state.ts) are idempotent for the same reason.
 *
 * Two rules come from races the steps cannot prevent:
 * - an emergency is honoured only by a rotation whose createSecret saw it before regenerating
 *   (emergency-tag.ts): a secret made before the request must not be reported as the cure;
 * - a pending version whose secret is dead (two regenerates raced, or Genesys applied a lost one
 *   late) can never be fixed in place, since a version's value never changes: testSecret recovers
 *   the client in a new version and abandons this rotation (RotationRecoveredError).
 */
import { randomUUID } from 'node:crypto';
import {
  ClientInUseError,
  ConcurrentRotationError,
  GenesysAuthError,
  isCredentialRefusal,
  RotationGuardError,
  RotationRecoveredError,
  SecretDocumentError,
  SecretsManagerError,
  VerificationError,
} from '../errors';
import type { RotatedEventPublisher } from '../aws/event-publisher';
import { assertDocumentMatchesBinding, bindingFor, readBoundAdmin, type Bindings, type SecretBinding } from '../bindings';
import { TAGS, VERSION_LABELS } from '../contract';
import { AWSCURRENT, AWSPENDING, type SecretMetadata, type SecretsStore } from '../aws/secrets-store';
import type { AccessToken, ClientCredentials, GenesysApi } from '../genesys/types';
import type { Log } from '../log';
import { describeDocument, describeError, redactSecretLike } from '../redaction';
import type { GenesysEnvironment } from '../regions';
import { parseSecretDocument, serializeSecretDocument, type SecretDocument } from '../secret-document';
import type { AdminTokenCache } from './admin-tokens';
import { checkUsageSince } from '../status/usage-check';
import { bindEmergency, canBindVersion, isBoundTo, parseEmergencyTag, type EmergencyRequest } from './emergency-tag';
import { disableBeforeRegenerate, disableClient, enableClient, enableBeforeRegenerate, tokensNotEnded, type AdminCall } from './client-state';
import { assertSafeDisable, assertSafeRegenerate, endsTokensInCreate, isRecoveryOf, isStale, planCreate, planDisable, planRecovery, type RecoveryPlan } from './plan';

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

export interface RotationRequest {
  readonly secretId: string;
  readonly token: string;
  readonly step: RotationStep;
  /** Epoch ms by which the step must be over (the Lambda's end minus a margin); bounds testSecret's wait. */
  readonly deadlineMs?: number;
}

export { TAGS };

export interface PropagationPolicy {
  /** Keep asking for a token with the new credentials this long while Genesys answers invalid_client. */
  readonly maxWaitMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_PROPAGATION: PropagationPolicy = { maxWaitMs: 30_000, initialDelayMs: 250, maxDelayMs: 4_000 };

export interface RotationEngineDeps {
  readonly store: SecretsStore;
  /** What the deployment allows (DESIGN.md §3 "Bindings"): the only authority on clients and admin pairs. */
  readonly bindings: Bindings;
  readonly genesys: (environment: GenesysEnvironment) => GenesysApi;
  readonly publisher: RotatedEventPublisher;
  readonly adminTokens: AdminTokenCache;
  readonly log: Log;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly propagation?: PropagationPolicy;
}

/** An emergency request a rotation honours, as the ledger records it (never logged: a reason may quote anything). */
export interface HonouredEmergency {
  /** ISO-8601, when the request was made (or first bound, for a tag set by hand). */
  readonly requestedAt?: string;
  readonly reason: string;
  /** `end-tokens` was asked (single: disable and re-enable the client around the regenerate). */
  readonly endTokens?: boolean;
}

/** What a step did, for logs, the CLI, the ledger and tests. */
export type StepOutcome =
  | { readonly step: RotationStep; readonly result: 'already-current' | 'already-created' | 'nothing-to-do' | 'configuration-tested' }
  | {
      readonly step: 'createSecret';
      readonly result: 'created';
      readonly targetClientId: string;
      /** Set when this rotation bound an emergency request before its regenerate. */
      readonly emergency?: HonouredEmergency;
      /**
       * Single with `end-tokens`: ms from disabling the client to enabling it again (its regenerate and
       * the put in between), during which consumers were refused. Measured with the engine's clock.
       */
      readonly interruptionMs?: number;
    }
  | { readonly step: 'testSecret'; readonly result: 'verified'; readonly clientId: string; readonly organizationId: string; readonly attempts: number }
  | {
      readonly step: 'finishSecret';
      readonly result: 'finished' | 'republished';
      /** The secret's name (metrics are per name, not per ARN). */
      readonly secretName: string;
      readonly clientId: string;
      readonly revokedClientId?: string;
      readonly emergency: boolean;
      /** The request this rotation honoured, when `emergency`. */
      readonly emergencyRequest?: HonouredEmergency;
      /** Emergency: the clients disabled to end their access tokens (single end-tokens: enabled again since). */
      readonly disabledClientIds?: readonly string[];
      /** Emergency: whether access tokens issued before it were ended. */
      readonly tokensEnded?: boolean;
    };

/** A managed secret and its binding: every step acts on both. */
interface BoundSecret {
  readonly meta: SecretMetadata;
  readonly binding: SecretBinding;
}

interface VersionedDocument {
  readonly doc: SecretDocument;
  readonly versionId: string;
  /** The version's CreatedDate, when Secrets Manager reports it. */
  readonly createdDate?: Date | undefined;
}

/** What testSecret's checks of one set of credentials share. */
interface CredentialCheck {
  readonly secret: BoundSecret;
  readonly genesys: GenesysApi;
  /** The admin's organization: every client this secret names must belong to it. */
  readonly expectedOrganizationId: string;
  readonly deadlineMs: number | undefined;
}

/** The outcome of asking for a token while a fresh secret may still be propagating. */
type TokenWait =
  | { readonly accepted: true; readonly token: AccessToken; readonly attempts: number }
  | {
      readonly accepted: false;
      readonly attempts: number;
      readonly waitedMs: number;
      /** The invocation's deadline ended the wait before the propagation policy did. */
      readonly cutShort: boolean;
      readonly error: GenesysAuthError;
    };

/** What an emergency did about access tokens issued before it (the rotated event and the outcome say it). */
interface TokensEnded {
  readonly disabledClientIds: readonly string[];
  readonly tokensEnded: boolean;
}

interface AdminPairIds {
  readonly clientId: string;
  readonly alternateClientId?: string | undefined;
}

interface AdminAccess {
  readonly cacheKey: string;
  readonly credentials: ClientCredentials;
  readonly organizationEnvironment: GenesysEnvironment;
}

interface BoundAdmin extends AdminAccess {
  readonly pair: AdminPairIds;
  /** The admin pair rotating itself: its active client regenerates the standby. */
  readonly selfPair: boolean;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RotationEngine {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly propagation: PropagationPolicy;

  constructor(private readonly deps: RotationEngineDeps) {
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? realSleep;
    this.propagation = deps.propagation ?? DEFAULT_PROPAGATION;
  }

  /** Run one step. Throws on any failure (Secrets Manager then retries the step). */
  async run(request: RotationRequest): Promise<StepOutcome> {
    const { secretId, token, step } = request;
    const meta = await this.deps.store.describe(secretId);
    // Bindings first: an unbound secret is refused even where the step would be a no-op.
    const secret: BoundSecret = { meta, binding: bindingFor(this.deps.bindings, meta) };
    const stages = this.guard(meta, token);
    const context = { secretArn: meta.arn, versionId: token, step };

    if (stages.includes(AWSCURRENT)) {
      if (step !== 'finishSecret') {
        this.deps.log.info('Version is already AWSCURRENT; nothing to do', context);
        return { step, result: 'already-current' };
      }
      // A retried finishSecret after the label moved: finish the tail again (at-least-once event).
      return await this.finishTail(secret, token, stages, 'republished');
    }

    switch (step) {
      case 'createSecret':
        return await this.createSecret(secret, token);
      case 'setSecret':
        // Genesys Cloud already holds the new secret: it generated it in createSecret.
        this.deps.log.info('setSecret: Genesys Cloud generated the secret in createSecret; no call needed', context);
        return { step, result: 'nothing-to-do' };
      case 'testSecret':
        return await this.testSecret(secret, token, request.deadlineMs);
      case 'finishSecret':
        return await this.finishSecret(secret, token);
    }
  }

  /** Guards of every step (STYLE.md §4.5). Returns the token's staging labels. */
  private guard(meta: SecretMetadata, token: string): readonly string[] {
    if (!meta.rotationEnabled) {
      throw new RotationGuardError(`Secret ${meta.arn} is not enabled for rotation`);
    }
    const stages = meta.versionIdsToStages[token];
    if (stages === undefined) {
      throw new RotationGuardError(`Secret version ${token} has no stage for rotation of secret ${meta.arn}`);
    }
    if (!stages.includes(AWSCURRENT) && !stages.includes(AWSPENDING)) {
      throw new RotationGuardError(`Secret version ${token} is not set as AWSPENDING for rotation of secret ${meta.arn}`);
    }
    return stages;
  }

  private async createSecret(secret: BoundSecret, token: string): Promise<StepOutcome> {
    const { meta } = secret;
    const log = this.deps.log;
    const pending = await this.deps.store.findValue(meta.arn, { versionId: token, stage: AWSPENDING });
    if (pending?.secretString !== undefined) {
      // Someone may have written the pending version directly: it must still match the binding.
      const pendingDoc = this.checkBound(secret, parseSecretDocument(pending.secretString, `${meta.arn} (${AWSPENDING})`), AWSPENDING);
      // A createSecret retried after its put: an emergency may have crashed before enabling the client again.
      await this.enableAfterCrash(secret, token, pendingDoc);
      log.info('createSecret: pending version already has a value; nothing to do', { secretArn: meta.arn, versionId: token });
      return { step: 'createSecret', result: 'already-created' };
    }

    // Validate everything before the first Genesys call: bad input changes nothing.
    const { doc: current, versionId: currentVersionId, createdDate: currentCreatedDate } = await this.readDocument(secret, AWSCURRENT);
    const plan = planCreate(current);
    const admin = await this.adminAccess(secret, currentVersionId, current);
    assertSafeRegenerate(plan.targetClientId, admin.pair, admin.selfPair);
    const genesys = this.deps.genesys(current.environment);
    const withAdmin: AdminCall = async (call) => await this.withAdminToken(admin, genesys, call);
    // holdWhileInUse: refuse before the regenerate (and before an emergency is bound to this version).
    await this.holdWhileInUse(secret, admin, genesys, plan.targetClientId, currentCreatedDate);
    // Before the regenerate: an emergency requested by now is cured by this rotation's new secret.
    const emergency = await this.bindEmergency(secret, token);
    // Disable the target around its regenerate (plan.ts): single end-tokens, or the standby on an alternating emergency.
    const endTokens = endsTokensInCreate(current.strategy, emergency);

    let disabledAtMs: number | undefined;
    if (endTokens) {
      // Disabled first, so every token issued with the target's credentials dies; enabled again only
      // once the new secret is stored, so the old secret cannot mint a token in between.
      assertSafeDisable(plan.targetClientId, admin.pair, admin.selfPair);
      await disableBeforeRegenerate(genesys, withAdmin, plan.targetClientId, meta.arn);
      disabledAtMs = this.now().getTime();
      log.warn('createSecret: emergency: disabled the client around its regenerate, ending its access tokens', {
        secretArn: meta.arn,
        versionId: token,
        clientId: plan.targetClientId,
        consumersInterrupted: current.strategy === 'single',
      });
    } else {
      // The target may be disabled: an emergency left the leaked client disabled while it was the
      // standby, or an end-tokens attempt crashed after disabling it and its request is gone from the tag
      // since (untagged, or rewritten by a new request). Either way it is enabled before anything relies
      // on it (the regenerate, testSecret's token), whatever the tag says now. Its old tokens stay dead.
      const enabled = await enableBeforeRegenerate(genesys, withAdmin, plan.targetClientId, meta.arn);
      if (enabled.changed) log.warn('createSecret: enabled the target client, which was disabled', { secretArn: meta.arn, versionId: token, clientId: plan.targetClientId });
    }

    log.info('createSecret: regenerating client secret', {
      secretArn: meta.arn,
      versionId: token,
      strategy: current.strategy,
      targetClientId: plan.targetClientId,
      adminClientId: admin.credentials.clientId,
    });
    try {
      const regenerated = await withAdmin(async (adminToken) => await genesys.regenerateSecret(adminToken, plan.targetClientId));
      // From here the target's previous secret is dead: the new value must reach Secrets Manager
      // before anything else. If this put fails, the retried step regenerates again (harmless).
      // What this createSecret did, recorded where only the rotate role may write (contract.ts VERSION_LABELS).
      const labels = emergency === undefined ? [] : [VERSION_LABELS.emergency, ...(endTokens ? [VERSION_LABELS.tokensEnded] : [])];
      await this.storePending(meta.arn, token, serializeSecretDocument(plan.pendingDocument(regenerated.secret)), plan.targetClientId, labels);
    } catch (error) {
      // Never leave the client disabled because the regenerate or the put failed: its tokens are dead
      // already, and the retried step disables it again.
      if (endTokens) await this.enableBestEffort(genesys, withAdmin, meta.arn, plan.targetClientId);
      throw error;
    }
    log.info('createSecret: stored new secret as AWSPENDING', { secretArn: meta.arn, versionId: token, clientId: plan.targetClientId });
    let interruptionMs: number | undefined;
    if (disabledAtMs !== undefined) {
      // A crash here is healed by the retry: the already-created path enables the client (enableAfterEndTokens).
      await enableClient(genesys, withAdmin, plan.targetClientId);
      const disabledMs = Math.max(0, this.now().getTime() - disabledAtMs);
      // Only a single client's consumers were refused meanwhile: a standby serves nobody.
      if (current.strategy === 'single') interruptionMs = disabledMs;
      log.warn('createSecret: emergency: enabled the client again', { secretArn: meta.arn, versionId: token, clientId: plan.targetClientId, disabledMs });
    }
    return {
      step: 'createSecret',
      result: 'created',
      targetClientId: plan.targetClientId,
      ...(emergency !== undefined ? { emergency } : {}),
      ...(interruptionMs !== undefined ? { interruptionMs } : {}),
    };
  }

  /** PutSecretValue of the pending version; a concurrent createSecret's put becomes ConcurrentRotationError. */
  private async storePending(secretArn: string, token: string, value: string, targetClientId: string, labels: readonly string[]): Promise<void> {
    try {
      await this.deps.store.putPending(secretArn, token, value, labels);
    } catch (error) {
      // A version's value never changes: another createSecret for this token stored its value while
      // we regenerated. Whichever regenerate came last is the live secret; testSecret tells which.
      if (error instanceof SecretsManagerError && error.awsErrorName === 'ResourceExistsException') {
        throw new ConcurrentRotationError(
          `createSecret: version ${token} of secret ${secretArn} was stored by a concurrent createSecret while this one regenerated client ${targetClientId}; ` +
            'if the stored secret is the dead one, testSecret recovers the client in a new version',
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * A retried createSecret whose version has a value: the first attempt may have disabled the target
   * around its regenerate (an emergency) and crashed between its put and enabling it again. Enable it
   * (a read when it is active already). Not decided by the emergency tag: whoever may tag the secret
   * could have removed or rewritten it since, and the pending client is about to become current anyway.
   */
  private async enableAfterCrash(secret: BoundSecret, token: string, pendingDoc: SecretDocument): Promise<void> {
    // The admin pair's pending client is the disabled one: its current client enables it (adminForTest).
    const admin = await this.adminForTest(secret, pendingDoc);
    const genesys = this.deps.genesys(pendingDoc.environment);
    const change = await enableClient(genesys, async (call) => await this.withAdminToken(admin, genesys, call), pendingDoc.clientId);
    if (change.changed) this.deps.log.warn('createSecret: emergency: enabled the client again (retry after a crash)', { secretArn: secret.meta.arn, versionId: token, clientId: pendingDoc.clientId });
  }

  /** Enable a single client after a failed regenerate or put; a failure here is logged, the original error is the one thrown. */
  private async enableBestEffort(genesys: GenesysApi, withAdmin: AdminCall, secretArn: string, clientId: string): Promise<void> {
    try {
      await enableClient(genesys, withAdmin, clientId);
    } catch (error) {
      this.deps.log.error('createSecret: emergency: could not enable the client again after a failure; the retried step enables it', { secretArn, clientId, ...describeError(error) });
    }
  }

  /**
   * `holdWhileInUse` (from the binding, never the document): a scheduled rotation refuses, before any
   * regenerate, when the client it would regenerate was used since the last rotation (the secret's
   * LastRotatedDate, else AWSCURRENT's CreatedDate). Requests only on the day of that rotation may
   * predate it (usage is per day) and do not hold it. An emergency rotation is never held: it replaces
   * leaked credentials.
   */
  private async holdWhileInUse(secret: BoundSecret, admin: AdminAccess, genesys: GenesysApi, targetClientId: string, currentCreatedDate: Date | undefined): Promise<void> {
    const { meta, binding } = secret;
    if (binding.holdWhileInUse !== true) return;
    if (meta.tags[TAGS.emergency] !== undefined) {
      this.deps.log.warn('createSecret: holdWhileInUse skipped: an emergency rotation is never held', { secretArn: meta.arn, targetClientId });
      return;
    }
    const since = meta.lastRotatedDate ?? currentCreatedDate;
    const usage = await this.withAdminToken(admin, genesys, (adminToken) => checkUsageSince(genesys, adminToken, targetClientId, since, this.now()));
    const context = { secretArn: meta.arn, targetClientId, verdict: usage.verdict, requests: usage.requests, lastUsedDay: usage.lastUsedDay, since: usage.since };
    if (usage.verdict !== 'in-use') {
      this.deps.log.info('createSecret: holdWhileInUse: the client to regenerate is not in use', context);
      return;
    }
    this.deps.log.error('createSecret: holdWhileInUse: the client to regenerate is still in use; nothing changed', context);
    throw new ClientInUseError(
      `createSecret: client ${targetClientId} of secret ${meta.arn} was used since the last rotation (${usage.requests} requests${usage.lastUsedDay !== undefined ? `, last ${usage.lastUsedDay}` : ''}); ` +
        'holdWhileInUse refuses to regenerate it until its consumers have moved to the current client',
      usage,
    );
  }

  /**
   * An emergency tag seen here was set before this rotation's regenerate, so this rotation may
   * honour it: write this version into the tag (emergency-tag.ts) for finishSecret to find. If the
   * tag cannot be written (e.g. the role lacks secretsmanager:TagResource on that key), the rotation
   * goes on as a scheduled one, which still replaces the leaked secret, and the request stays set
   * for the next rotation; the emergency is then not reported done.
   */
  private async bindEmergency(secret: BoundSecret, token: string): Promise<HonouredEmergency | undefined> {
    const { meta } = secret;
    const value = meta.tags[TAGS.emergency];
    if (value === undefined) return undefined;
    const context = { secretArn: meta.arn, versionId: token };
    if (!canBindVersion(token)) {
      this.deps.log.error('createSecret: emergency requested, but this version id cannot be written into a tag; this rotation will not report it done', context);
      return undefined;
    }
    const bound = bindEmergency(value, token, this.now());
    // A retried createSecret: already bound to this version.
    if (bound === undefined) return honoured(parseEmergencyTag(value));
    try {
      await this.deps.store.tag(meta.arn, TAGS.emergency, bound);
    } catch (error) {
      this.deps.log.error('createSecret: emergency requested, but it could not be recorded on the tag; this rotation will not report it done', {
        ...context,
        ...describeError(error),
      });
      return undefined;
    }
    this.deps.log.warn('createSecret: emergency requested before this regenerate; this rotation honours it', context);
    return honoured(parseEmergencyTag(bound));
  }

  private async testSecret(secret: BoundSecret, token: string, deadlineMs: number | undefined): Promise<StepOutcome> {
    const { meta } = secret;
    const pendingValue = await this.deps.store.findValue(meta.arn, { versionId: token, stage: AWSPENDING });
    if (pendingValue?.secretString === undefined) {
      // RotateSecret with RotateImmediately=false (e.g. the stack's first deploy) "tests the rotation
      // configuration by running the testSecret step" on a pending version that has no value.
      return await this.testConfiguration(secret, token);
    }
    const pending: VersionedDocument = {
      doc: this.checkBound(secret, parseSecretDocument(pendingValue.secretString, `${meta.arn} (${AWSPENDING})`), AWSPENDING),
      versionId: token,
      createdDate: pendingValue.createdDate,
    };
    const admin = await this.adminForTest(secret, pending.doc);
    const genesys = this.deps.genesys(pending.doc.environment);
    const check: CredentialCheck = { secret, genesys, expectedOrganizationId: await this.withAdminOrg(admin, genesys), deadlineMs };

    const wait = await this.tokenAfterPropagation(genesys, pending.doc, meta.arn, token, deadlineMs);
    if (!wait.accepted) return await this.afterPendingRefused(check, pending, wait);
    const organizationId = await this.assertTokenIdentity(check, wait.token, pending.doc);
    const verifyPath = meta.tags[TAGS.verifyPath];
    if (verifyPath !== undefined && verifyPath !== '') {
      const status = await genesys.probe(wait.token, verifyPath);
      this.deps.log.info('testSecret: verify path answered', { secretArn: meta.arn, versionId: token, verifyPath, status });
    }
    this.deps.log.info('testSecret: new credentials verified', { secretArn: meta.arn, versionId: token, clientId: pending.doc.clientId, organizationId, attempts: wait.attempts });
    return { step: 'testSecret', result: 'verified', clientId: pending.doc.clientId, organizationId, attempts: wait.attempts };
  }

  /** The token belongs to the document's client and to the admin's organization (a token for another client or org is caught). */
  private async assertTokenIdentity(check: CredentialCheck, token: AccessToken, doc: SecretDocument): Promise<string> {
    const secretArn = check.secret.meta.arn;
    const info = await check.genesys.getTokenInfo(token);
    if (info.oauthClientId !== doc.clientId) {
      throw new VerificationError(`testSecret: token of secret ${secretArn} belongs to client ${info.oauthClientId}, expected ${doc.clientId}`);
    }
    if (info.organizationId !== check.expectedOrganizationId) {
      throw new VerificationError(
        `testSecret: client ${doc.clientId} of secret ${secretArn} belongs to organization ${info.organizationId}, expected the admin's organization ${check.expectedOrganizationId}`,
      );
    }
    return info.organizationId;
  }

  /**
   * The pending credentials were refused for the whole propagation wait. Either the fresh secret is
   * slow, or it is dead: another regenerate of the same client came after it (two createSecret
   * invocations raced, or Genesys applied a regenerate whose answer was lost). A dead pending version
   * can never pass, and retries skip createSecret because the version has a value, so a `single`
   * client would stay without a working secret. plan.ts decides when to recover.
   */
  private async afterPendingRefused(check: CredentialCheck, pending: VersionedDocument, refused: Extract<TokenWait, { accepted: false }>): Promise<StepOutcome> {
    // Out of invocation time: not a verdict on the secret; Secrets Manager retries the step.
    if (refused.cutShort) throw this.refusedError(check, pending.doc, refused);
    const current = await this.readDocument(check.secret, AWSCURRENT);
    if (isRecoveryOf(versionFacts(current), versionFacts(pending))) {
      // An earlier attempt stored a recovered secret (or someone loaded one by hand): finish with it.
      return await this.finishRecoveredVersion(check, pending, current);
    }
    const plan = planRecovery({
      strategy: pending.doc.strategy,
      currentAccepted: await this.accepts(check.genesys, current.doc),
      pendingAgeMs: pending.createdDate === undefined ? undefined : this.now().getTime() - pending.createdDate.getTime(),
    });
    if (plan.kind === 'none') throw this.refusedError(check, pending.doc, refused);
    if (plan.extendWait) {
      // One more propagation period before calling a young pending secret dead: each regenerate restarts propagation.
      const again = await this.tokenAfterPropagation(check.genesys, pending.doc, check.secret.meta.arn, pending.versionId, check.deadlineMs);
      if (again.accepted) {
        const organizationId = await this.assertTokenIdentity(check, again.token, pending.doc);
        const attempts = refused.attempts + again.attempts;
        this.deps.log.info('testSecret: new credentials verified after a long propagation', { secretArn: check.secret.meta.arn, versionId: pending.versionId, attempts });
        return { step: 'testSecret', result: 'verified', clientId: pending.doc.clientId, organizationId, attempts };
      }
      if (again.cutShort) throw this.refusedError(check, pending.doc, again);
    }
    return await this.recover(check, pending, current, plan);
  }

  /**
   * Recover a client whose pending secret is dead: regenerate it again (the admin from the binding,
   * as createSecret does) and store the new secret as a NEW version staged AWSCURRENT: the pending
   * version's value can never change. `store-first` stores before verifying because the regenerate
   * killed the only secret consumers had; `verify-first` (alternating with a working current) verifies
   * first and otherwise drops the new secret, which is harmless: the standby had no working stored secret.
   */
  private async recover(check: CredentialCheck, pending: VersionedDocument, current: VersionedDocument, plan: Extract<RecoveryPlan, { kind: 'recover' }>): Promise<never> {
    const { meta } = check.secret;
    const clientId = pending.doc.clientId;
    const admin = await this.adminAccess(check.secret, current.versionId, current.doc);
    assertSafeRegenerate(clientId, admin.pair, admin.selfPair);
    this.deps.log.warn('testSecret: pending credentials are dead; recovering the client in a new version', {
      secretArn: meta.arn,
      versionId: pending.versionId,
      clientId,
      why: plan.why,
      order: plan.order,
    });
    const regenerated = await this.withAdminToken(admin, check.genesys, (adminToken) => check.genesys.regenerateSecret(adminToken, clientId));
    const recovered: VersionedDocument = { doc: { ...pending.doc, clientSecret: regenerated.secret }, versionId: randomUUID() };
    const stored = serializeSecretDocument(recovered.doc);

    if (plan.order === 'store-first') {
      // From here the pending secret is dead for sure: the new one reaches Secrets Manager before anything else.
      await this.deps.store.putVersion(meta.arn, recovered.versionId, stored, [AWSCURRENT]);
      this.deps.log.warn('testSecret: stored the recovered secret as AWSCURRENT', { secretArn: meta.arn, versionId: recovered.versionId, clientId });
      return await this.finishRecoveredVersion(check, pending, recovered);
    }
    const wait = await this.tokenAfterPropagation(check.genesys, recovered.doc, meta.arn, recovered.versionId, check.deadlineMs);
    if (!wait.accepted) {
      throw new VerificationError(
        `testSecret: the pending credentials of client ${clientId} for secret ${meta.arn} are dead and the recovery's fresh secret was refused too (after ${wait.attempts} attempts); ` +
          'nothing was stored (the standby had no working stored secret) and AWSCURRENT still works; a retry recovers again',
        { cause: wait.error },
      );
    }
    await this.assertTokenIdentity(check, wait.token, recovered.doc);
    await this.deps.store.putVersion(meta.arn, recovered.versionId, stored, [AWSCURRENT]);
    this.deps.log.warn('testSecret: stored the verified recovered secret as AWSCURRENT', { secretArn: meta.arn, versionId: recovered.versionId, clientId });
    return await this.endRecovery(check, pending, recovered);
  }

  /**
   * AWSCURRENT holds a recovered secret that may not be proven yet: prove it, then end the recovery.
   * While it is refused it is taken for slow (each regenerate restarts propagation, so regenerating
   * again would not help): the step fails and a retry, which comes back here, waits again. Only a
   * recovered version refused for longer than any propagation (a second lost regenerate) is recovered again.
   */
  private async finishRecoveredVersion(check: CredentialCheck, pending: VersionedDocument, recovered: VersionedDocument): Promise<never> {
    const wait = await this.tokenAfterPropagation(check.genesys, recovered.doc, check.secret.meta.arn, recovered.versionId, check.deadlineMs);
    if (wait.accepted) {
      await this.assertTokenIdentity(check, wait.token, recovered.doc);
      return await this.endRecovery(check, pending, recovered);
    }
    const ageMs = recovered.createdDate === undefined ? undefined : this.now().getTime() - recovered.createdDate.getTime();
    if (wait.cutShort || !isStale(ageMs)) {
      throw new VerificationError(
        `testSecret: the recovered credentials of client ${recovered.doc.clientId} (version ${recovered.versionId}, now AWSCURRENT) of secret ${check.secret.meta.arn} ` +
          `are not accepted yet (${wait.attempts} attempts); version ${pending.versionId} stays AWSPENDING until a retry proves them`,
        { cause: wait.error },
      );
    }
    return await this.recover(check, pending, recovered, { kind: 'recover', order: 'store-first', extendWait: false, why: 'the recovered AWSCURRENT credentials are refused too, over an hour after they were stored' });
  }

  /**
   * The recovered version works: tell dependents (the rotated event, so Data Actions credentials and
   * webhooks follow), drop AWSPENDING from the dead version so the next rotation starts clean, and
   * fail this rotation honestly: it did not finish its own version (the alarm fires).
   */
  private async endRecovery(check: CredentialCheck, pending: VersionedDocument, recovered: VersionedDocument): Promise<never> {
    const { meta } = check.secret;
    await this.publishRotated(check.secret, recovered.versionId, recovered.doc, false);
    await this.deps.store.updateStage(meta.arn, AWSPENDING, { removeFromVersionId: pending.versionId });
    this.deps.log.warn('testSecret: client recovered; this rotation is abandoned', {
      secretArn: meta.arn,
      versionId: pending.versionId,
      recoveredVersionId: recovered.versionId,
      clientId: recovered.doc.clientId,
    });
    throw new RotationRecoveredError(
      `testSecret: the pending credentials of client ${pending.doc.clientId} (version ${pending.versionId}) of secret ${meta.arn} were dead (a lost regenerate race); ` +
        `the client was recovered in version ${recovered.versionId}, now AWSCURRENT and verified, and version ${pending.versionId} was abandoned. The next rotation starts clean.`,
      { abandonedVersionId: pending.versionId, recoveredVersionId: recovered.versionId },
    );
  }

  /** One token request with `doc`'s credentials: accepted, or refused (any other failure is thrown: no verdict). */
  private async accepts(genesys: GenesysApi, doc: SecretDocument): Promise<boolean> {
    try {
      await genesys.getToken({ clientId: doc.clientId, clientSecret: doc.clientSecret });
      return true;
    } catch (error) {
      if (isCredentialRefusal(error)) return false;
      throw error;
    }
  }

  private refusedError(check: CredentialCheck, doc: SecretDocument, refused: Extract<TokenWait, { accepted: false }>): VerificationError {
    return new VerificationError(
      `testSecret: Genesys Cloud refused the new credentials of client ${doc.clientId} for secret ${check.secret.meta.arn} after ${refused.attempts} attempts over ${refused.waitedMs} ms`,
      { cause: refused.error },
    );
  }

  /**
   * The configuration test: the current document and its admin pair are valid and the admin
   * credentials get a token. Read-only; no regenerate. A document whose secret was never loaded
   * (empty clientSecret) passes with a warning: the first rotation needs the value loaded first.
   */
  private async testConfiguration(secret: BoundSecret, token: string): Promise<StepOutcome> {
    const { meta } = secret;
    const { doc: current, versionId } = await this.readDocument(secret, AWSCURRENT);
    planCreate(current); // the same document checks createSecret will make
    const admin = await this.adminAccess(secret, versionId, current);
    if (admin.credentials.clientSecret === '') {
      this.deps.log.warn('testSecret (configuration test): admin secret not loaded yet; load it before the first rotation', { secretArn: meta.arn, versionId: token });
      return { step: 'testSecret', result: 'configuration-tested' };
    }
    const genesys = this.deps.genesys(current.environment);
    await this.withAdminOrg(admin, genesys);
    this.deps.log.info('testSecret (configuration test): document valid and admin credentials accepted', { secretArn: meta.arn, versionId: token });
    return { step: 'testSecret', result: 'configuration-tested' };
  }

  private async finishSecret(secret: BoundSecret, token: string): Promise<StepOutcome> {
    const { meta } = secret;
    // Read (and validate) the new version first: AWSCURRENT must never move to a version without a
    // valid document that matches the binding, even if a step is called out of order.
    const { doc: next } = await this.readDocument(secret, AWSPENDING, token);
    const currentVersionId = Object.entries(meta.versionIdsToStages).find(([, labels]) => labels.includes(AWSCURRENT))?.[0];
    // Moving AWSCURRENT also moves AWSPREVIOUS to the version it leaves (Secrets Manager does that).
    await this.deps.store.updateStage(meta.arn, AWSCURRENT, {
      moveToVersionId: token,
      ...(currentVersionId !== undefined ? { removeFromVersionId: currentVersionId } : {}),
    });
    this.deps.log.info('finishSecret: moved AWSCURRENT', { secretArn: meta.arn, versionId: token, previousVersionId: currentVersionId });
    return await this.finishTail(secret, token, [AWSCURRENT, AWSPENDING], 'finished', next);
  }

  /**
   * Everything after the AWSCURRENT move, safe to repeat: drop AWSPENDING; on emergency revoke the
   * previous secret and disable the previous client (its access tokens die); publish; then clear the
   * emergency tag (last, so a crash before it repeats the revoke and the disable, both idempotent).
   * The event says what was done, so on emergency it goes out after the revoke and the disable; if
   * either fails, the event still goes out first (dependents must learn of the new credentials even
   * while the revoke keeps failing), saying the tokens were not ended, and the step fails and alarms.
   */
  private async finishTail(
    secret: BoundSecret,
    token: string,
    stages: readonly string[],
    result: 'finished' | 'republished',
    knownDocument?: SecretDocument,
  ): Promise<StepOutcome> {
    const { meta } = secret;
    const log = this.deps.log;
    if (stages.includes(AWSPENDING)) {
      await this.deps.store.updateStage(meta.arn, AWSPENDING, { removeFromVersionId: token });
    }
    const current = knownDocument ?? (await this.readDocument(secret, AWSCURRENT, token)).doc;
    const emergencyRequest = this.honoursEmergency(secret, token);
    const emergency = emergencyRequest !== undefined;

    let revokedClientId: string | undefined;
    let ended: TokensEnded | undefined;
    if (emergency) {
      try {
        ({ revokedClientId, ended } = await this.endLeakedCredentials(secret, token, current));
      } catch (error) {
        await this.publishDespiteFailure(secret, token, current);
        throw error;
      }
    }
    await this.publishRotated(secret, token, current, emergency, ended);
    log.info('finishSecret: published rotated event', { secretArn: meta.arn, versionId: token, clientId: current.clientId, emergency, result });

    if (emergency) {
      await this.deps.store.untag(meta.arn, [TAGS.emergency]);
      log.warn('finishSecret: emergency rotation complete', {
        secretArn: meta.arn,
        versionId: token,
        revokedClientId: revokedClientId ?? 'none (single: regenerate revoked it)',
        disabledClientIds: ended?.disabledClientIds ?? [],
        tokensEnded: ended?.tokensEnded ?? false,
      });
    }
    return {
      step: 'finishSecret',
      result,
      secretName: meta.name,
      clientId: current.clientId,
      emergency,
      ...(revokedClientId !== undefined ? { revokedClientId } : {}),
      ...(emergencyRequest !== undefined ? { emergencyRequest } : {}),
      ...(ended !== undefined ? { disabledClientIds: ended.disabledClientIds, tokensEnded: ended.tokensEnded } : {}),
    };
  }

  /**
   * Emergency: revoke the previous client's secret, then disable it so its access tokens die
   * (alternating and the admin pair: the new current client acts, never on itself). Single: the
   * regenerate revoked the secret; with `end-tokens` createSecret disabled and enabled the client
   * around it, and testSecret proved it works again; without, its tokens stay valid until they expire.
   */
  private async endLeakedCredentials(
    secret: BoundSecret,
    token: string,
    current: SecretDocument,
  ): Promise<{ revokedClientId: string | undefined; ended: TokensEnded }> {
    const leaked = planDisable(current);
    // Whether createSecret disabled the target around its regenerate: its label, never the tag (which
    // anyone who may tag the secret can rewrite between the steps).
    const endedInCreate = this.versionLabels(secret, token).includes(VERSION_LABELS.tokensEnded);
    if (leaked === undefined) {
      const tokensEnded = endedInCreate;
      return { revokedClientId: undefined, ended: { disabledClientIds: tokensEnded ? [current.clientId] : [], tokensEnded } };
    }
    const admin = await this.adminAccess(secret, token, current);
    const genesys = this.deps.genesys(current.environment);
    const revokedClientId = await this.revokePrevious(secret, admin, genesys, leaked);
    assertSafeDisable(leaked, admin.pair, admin.selfPair);
    try {
      const change = await disableClient(genesys, async (call) => await this.withAdminToken(admin, genesys, call), leaked);
      this.deps.log.warn('finishSecret: emergency disabled the previous client: its access tokens are refused from now on', {
        secretArn: secret.meta.arn,
        versionId: token,
        disabledClientId: leaked,
        changed: change.changed,
      });
    } catch (error) {
      throw tokensNotEnded(error, [leaked], secret.meta.arn);
    }
    // createSecret disabled the new current client too, while it was the standby (plan.ts `endsTokensInCreate`).
    return { revokedClientId, ended: { disabledClientIds: [leaked, ...(endedInCreate ? [current.clientId] : [])], tokensEnded: true } };
  }

  /** The rotated event when the emergency's revoke or disable failed: sent anyway, tokens not ended; its own failure is logged. */
  private async publishDespiteFailure(secret: BoundSecret, token: string, current: SecretDocument): Promise<void> {
    try {
      await this.publishRotated(secret, token, current, true, { disabledClientIds: [], tokensEnded: false });
      this.deps.log.info('finishSecret: published rotated event before failing the emergency', { secretArn: secret.meta.arn, versionId: token, clientId: current.clientId });
    } catch (error) {
      this.deps.log.error('finishSecret: could not publish the rotated event either', { secretArn: secret.meta.arn, versionId: token, ...describeError(error) });
    }
  }

  /**
   * Whether this rotation honours an emergency: only if its createSecret bound the request, i.e.
   * saw it before regenerating. A request that came later (tag set while this rotation was past
   * createSecret) must not be reported done: the secret this rotation made existed before it. The
   * tag stays set for a fresh rotation. The tag's text is never logged (a reason may quote anything).
   */
  private honoursEmergency(secret: BoundSecret, token: string): HonouredEmergency | undefined {
    const value = secret.meta.tags[TAGS.emergency];
    if (value === undefined) return undefined;
    const request = parseEmergencyTag(value);
    // Both: the tag names this version (the request is still open), and this version's createSecret
    // bound it (its label: a tag naming an in-flight version, written by hand, proves nothing).
    if (isBoundTo(request, token) && this.versionLabels(secret, token).includes(VERSION_LABELS.emergency)) return honoured(request);
    this.deps.log.warn('finishSecret: an emergency was requested after this rotation made its new secret; it stays requested (tag kept) until a fresh rotation honours it', {
      secretArn: secret.meta.arn,
      versionId: token,
      emergencyRequestedAt: request.requestedAt?.toISOString() ?? 'unknown (tag set by hand)',
      emergencyBoundVersionId: request.boundVersionId ?? 'none',
    });
    return undefined;
  }

  /** The staging labels of `token` as this step's DescribeSecret saw them. */
  private versionLabels(secret: BoundSecret, token: string): readonly string[] {
    return secret.meta.versionIdsToStages[token] ?? [];
  }

  /** The rotated event (DESIGN.md §4) for `versionId`, whose document is `doc`. Never a secret. */
  private async publishRotated(secret: BoundSecret, versionId: string, doc: SecretDocument, emergency: boolean, ended?: TokensEnded): Promise<void> {
    await this.deps.publisher.publish({
      secretArn: secret.meta.arn,
      versionId,
      clientId: doc.clientId,
      environment: doc.environment,
      strategy: doc.strategy,
      emergency,
      rotatedAt: this.now().toISOString(),
      ...(ended !== undefined ? { disabledClientIds: [...ended.disabledClientIds], tokensEnded: ended.tokensEnded } : {}),
    });
  }

  /**
   * The admin that verifies a pending version: the admin secret the pending document names, or, for
   * the admin pair itself, its current (still active) client: the pending client is not proven yet.
   */
  private async adminForTest(secret: BoundSecret, pending: SecretDocument): Promise<BoundAdmin> {
    if (secret.binding.adminSecret !== undefined) {
      return await this.adminAccess(secret, '', pending);
    }
    const { doc: current, versionId } = await this.readDocument(secret, AWSCURRENT);
    return await this.adminAccess(secret, versionId, current);
  }

  /** Emergency: regenerate and discard the secret of the client that was current before this rotation. */
  private async revokePrevious(secret: BoundSecret, admin: BoundAdmin, genesys: GenesysApi, revoke: string): Promise<string> {
    // For the admin pair, the new current client revokes the old one: never a client its own secret.
    assertSafeRegenerate(revoke, admin.pair, admin.selfPair);
    // The response holds a secret nobody must know: it is dropped here, on purpose.
    await this.withAdminToken(admin, genesys, (adminToken) => genesys.regenerateSecret(adminToken, revoke));
    this.deps.log.warn('finishSecret: emergency revoked previous credentials', { secretArn: secret.meta.arn, revokedClientId: revoke });
    return revoke;
  }

  /**
   * The admin credentials for a rotation, validated before any Genesys call. Which admin pair comes
   * from the binding, never from the document (which has been checked against it already): the
   * bound admin secret, or, for an admin pair, the pair itself (its active client).
   */
  private async adminAccess(secret: BoundSecret, docVersionId: string, doc: SecretDocument): Promise<BoundAdmin> {
    const secretArn = secret.meta.arn;
    const bound = await readBoundAdmin(this.deps.store, this.deps.bindings, secret.binding, secretArn);
    if (bound === undefined) {
      return {
        // Keyed by name as the managed secrets key it (below): the pair's token cached while its
        // clients rotated serves its own rotation too (the bindings name admin pairs by name).
        cacheKey: `${docVersionId}@${secret.meta.name}`,
        credentials: { clientId: doc.clientId, clientSecret: doc.clientSecret },
        organizationEnvironment: doc.environment,
        pair: { clientId: doc.clientId, alternateClientId: doc.alternateClientId },
        selfPair: true,
      };
    }
    const { name: adminName, doc: admin, versionId: adminVersionId } = bound;
    if (admin.environment !== doc.environment) {
      throw new SecretDocumentError(
        `Admin secret ${adminName} is for ${admin.environment} but secret ${secretArn} is for ${doc.environment}`,
        'adminSecretId',
        `an admin pair in the same Genesys Cloud region (${doc.environment})`,
      );
    }
    return {
      selfPair: false,
      cacheKey: `${adminVersionId}@${adminName}`,
      credentials: { clientId: admin.clientId, clientSecret: admin.clientSecret },
      organizationEnvironment: admin.environment,
      pair: { clientId: admin.clientId, alternateClientId: admin.alternateClientId },
    };
  }

  /** Run `call` with the admin token; a cached token that Genesys refuses is dropped and replaced once. */
  private async withAdminToken<T>(admin: AdminAccess, genesys: GenesysApi, call: (token: AccessToken) => Promise<T>): Promise<T> {
    const token = await this.deps.adminTokens.token(admin.cacheKey, genesys, admin.credentials);
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof GenesysAuthError) || error.status !== 401) throw error;
      this.deps.adminTokens.forget(admin.cacheKey);
      return await call(await this.deps.adminTokens.token(admin.cacheKey, genesys, admin.credentials));
    }
  }

  private async withAdminOrg(admin: AdminAccess, genesys: GenesysApi): Promise<string> {
    try {
      return await this.deps.adminTokens.organizationId(admin.cacheKey, genesys, admin.credentials);
    } catch (error) {
      if (!(error instanceof GenesysAuthError) || error.status !== 401) throw error;
      this.deps.adminTokens.forget(admin.cacheKey);
      return await this.deps.adminTokens.organizationId(admin.cacheKey, genesys, admin.credentials);
    }
  }

  /**
   * A token with `doc`'s credentials. A fresh secret may be refused for a moment (GENESYS-API.md:
   * propagation), so invalid_client is retried with backoff for a bounded time. A refusal at the end is
   * returned, not thrown: the caller decides whether the secret is slow or dead.
   */
  private async tokenAfterPropagation(genesys: GenesysApi, doc: SecretDocument, secretArn: string, versionId: string, deadlineMs: number | undefined): Promise<TokenWait> {
    const { maxWaitMs, initialDelayMs, maxDelayMs } = this.propagation;
    let waited = 0;
    // At least 1 ms, so that a zero policy still ends (waited grows on every retry).
    let delay = Math.max(1, initialDelayMs);
    for (let attempts = 1; ; attempts++) {
      try {
        return { accepted: true, token: await genesys.getToken({ clientId: doc.clientId, clientSecret: doc.clientSecret }), attempts };
      } catch (error) {
        if (!isCredentialRefusal(error)) throw error;
        const policyDone = waited + delay > maxWaitMs;
        // The invocation's deadline, not the policy, ends the wait: no verdict on the secret yet.
        const cutShort = !policyDone && deadlineMs !== undefined && Date.now() + delay > deadlineMs;
        if (policyDone || cutShort) return { accepted: false, attempts, waitedMs: waited, cutShort, error };
        this.deps.log.info('testSecret: new secret not accepted yet; waiting', { secretArn, versionId, clientId: doc.clientId, attempts, delayMs: delay, ...describeError(error) });
        await this.sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, maxDelayMs);
      }
    }
  }

  /** Read, validate and check against the binding the document a step acts on. */
  private async readDocument(secret: BoundSecret, stage: string, versionId?: string): Promise<VersionedDocument> {
    const secretArn = secret.meta.arn;
    const value = await this.deps.store.getValue(secretArn, { stage, ...(versionId !== undefined ? { versionId } : {}) });
    const doc = this.checkBound(secret, parseSecretDocument(value.secretString, `${secretArn} (${stage})`), stage);
    this.deps.log.debug('Read secret document', { secretArn, stage, versionId: value.versionId, document: describeDocument(doc) });
    return { doc, versionId: value.versionId, createdDate: value.createdDate };
  }

  /** Refuse a document that disagrees with the secret's binding (fail closed, before any Genesys call). */
  private checkBound(secret: BoundSecret, doc: SecretDocument, stage: string): SecretDocument {
    assertDocumentMatchesBinding(doc, secret.binding, secret.meta.arn, `${secret.meta.arn} (${stage})`);
    return doc;
  }
}

/** The ledger's view of an emergency request. */
function honoured(request: EmergencyRequest): HonouredEmergency {
  return {
    // A reason is free text from whoever set the tag: it may quote what leaked.
    reason: redactSecretLike(request.reason),
    ...(request.requestedAt !== undefined ? { requestedAt: request.requestedAt.toISOString() } : {}),
    ...(request.endTokens === true ? { endTokens: true } : {}),
  };
}

/** What `isRecoveryOf` compares of a version (no secret). */
function versionFacts(version: VersionedDocument): { versionId: string; createdDate: Date | undefined; clientId: string } {
  return { versionId: version.versionId, createdDate: version.createdDate, clientId: version.doc.clientId };
}
