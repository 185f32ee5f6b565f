/**
 * The rotation engine: Secrets Manager's four steps (DESIGN.md §3) behind one guard.
 *
 * Every step may be called again after a crash or a timeout, so each one first looks at what is
 * already done: createSecret skips a pending version that has a value, finishSecret on a version
 * that is already AWSCURRENT only repeats the tail (remove AWSPENDING, revoke, publish, untag).
 */
import { ConcurrentRotationError, GenesysAuthError, isCredentialRefusal, RotationGuardError, SecretDocumentError, SecretsManagerError, VerificationError } from '../errors';
import type { RotatedEventPublisher } from '../aws/event-publisher';
import { assertDocumentMatchesBinding, bindingFor, readBoundAdmin, type Bindings, type SecretBinding } from '../bindings';
import { TAGS } from '../contract';
import { AWSCURRENT, AWSPENDING, type SecretMetadata, type SecretsStore } from '../aws/secrets-store';
import type { AccessToken, ClientCredentials, GenesysApi } from '../genesys/types';
import type { Log } from '../log';
import { describeDocument, describeError } from '../redaction';
import type { GenesysEnvironment } from '../regions';
import { parseSecretDocument, serializeSecretDocument, type SecretDocument } from '../secret-document';
import type { AdminTokenCache } from './admin-tokens';
import { assertSafeRegenerate, planCreate, planRevocation } from './plan';

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

/** What a step did, for logs, the CLI and tests. */
export type StepOutcome =
  | { readonly step: RotationStep; readonly result: 'already-current' | 'already-created' | 'nothing-to-do' | 'configuration-tested' }
  | { readonly step: 'createSecret'; readonly result: 'created'; readonly targetClientId: string }
  | { readonly step: 'testSecret'; readonly result: 'verified'; readonly clientId: string; readonly organizationId: string; readonly attempts: number }
  | {
      readonly step: 'finishSecret';
      readonly result: 'finished' | 'republished';
      /** The secret's name (metrics are per name, not per ARN). */
      readonly secretName: string;
      readonly clientId: string;
      readonly revokedClientId?: string;
      readonly emergency: boolean;
    };

/** A managed secret and its binding: every step acts on both. */
interface BoundSecret {
  readonly meta: SecretMetadata;
  readonly binding: SecretBinding;
}

interface VersionedDocument {
  readonly doc: SecretDocument;
  readonly versionId: string;
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
      this.checkBound(secret, parseSecretDocument(pending.secretString, `${meta.arn} (${AWSPENDING})`), AWSPENDING);
      log.info('createSecret: pending version already has a value; nothing to do', { secretArn: meta.arn, versionId: token });
      return { step: 'createSecret', result: 'already-created' };
    }

    // Validate everything before the first Genesys call: bad input changes nothing.
    const { doc: current, versionId: currentVersionId } = await this.readDocument(secret, AWSCURRENT);
    const plan = planCreate(current);
    const admin = await this.adminAccess(secret, currentVersionId, current);
    assertSafeRegenerate(plan.targetClientId, admin.pair, admin.selfPair);

    const genesys = this.deps.genesys(current.environment);
    log.info('createSecret: regenerating client secret', {
      secretArn: meta.arn,
      versionId: token,
      strategy: current.strategy,
      targetClientId: plan.targetClientId,
      adminClientId: admin.credentials.clientId,
    });
    const regenerated = await this.withAdminToken(admin, genesys, (adminToken) => genesys.regenerateSecret(adminToken, plan.targetClientId));
    // From here the target's previous secret is dead: the new value must reach Secrets Manager
    // before anything else. If this put fails, the retried step regenerates again (harmless).
    try {
      await this.deps.store.putPending(meta.arn, token, serializeSecretDocument(plan.pendingDocument(regenerated.secret)));
    } catch (error) {
      // A version's value never changes: another createSecret for this token stored its value while
      // we regenerated. Whichever regenerate came last is the live secret; testSecret tells which.
      if (error instanceof SecretsManagerError && error.awsErrorName === 'ResourceExistsException') {
        throw new ConcurrentRotationError(
          `createSecret: version ${token} of secret ${meta.arn} was stored by a concurrent createSecret while this one regenerated client ${plan.targetClientId}; ` +
            'if testSecret then keeps failing, remove AWSPENDING from that version and rotate again',
          { cause: error },
        );
      }
      throw error;
    }
    log.info('createSecret: stored new secret as AWSPENDING', { secretArn: meta.arn, versionId: token, clientId: plan.targetClientId });
    return { step: 'createSecret', result: 'created', targetClientId: plan.targetClientId };
  }

  private async testSecret(secret: BoundSecret, token: string, deadlineMs: number | undefined): Promise<StepOutcome> {
    const { meta } = secret;
    const pendingValue = await this.deps.store.findValue(meta.arn, { versionId: token, stage: AWSPENDING });
    if (pendingValue?.secretString === undefined) {
      // RotateSecret with RotateImmediately=false (e.g. the stack's first deploy) "tests the rotation
      // configuration by running the testSecret step" on a pending version that has no value.
      return await this.testConfiguration(secret, token);
    }
    const pending = this.checkBound(secret, parseSecretDocument(pendingValue.secretString, `${meta.arn} (${AWSPENDING})`), AWSPENDING);
    const admin = await this.adminForTest(secret, pending);
    const genesys = this.deps.genesys(pending.environment);

    const expectedOrganizationId = await this.withAdminOrg(admin, genesys);
    const { token: pendingToken, attempts } = await this.tokenAfterPropagation(genesys, pending, meta.arn, token, deadlineMs);
    const info = await genesys.getTokenInfo(pendingToken);
    if (info.oauthClientId !== pending.clientId) {
      throw new VerificationError(`testSecret: token of secret ${meta.arn} belongs to client ${info.oauthClientId}, expected ${pending.clientId}`);
    }
    if (info.organizationId !== expectedOrganizationId) {
      throw new VerificationError(
        `testSecret: client ${pending.clientId} of secret ${meta.arn} belongs to organization ${info.organizationId}, expected the admin's organization ${expectedOrganizationId}`,
      );
    }
    const verifyPath = meta.tags[TAGS.verifyPath];
    if (verifyPath !== undefined && verifyPath !== '') {
      const status = await genesys.probe(pendingToken, verifyPath);
      this.deps.log.info('testSecret: verify path answered', { secretArn: meta.arn, versionId: token, verifyPath, status });
    }
    this.deps.log.info('testSecret: new credentials verified', {
      secretArn: meta.arn,
      versionId: token,
      clientId: pending.clientId,
      organizationId: info.organizationId,
      attempts,
    });
    return { step: 'testSecret', result: 'verified', clientId: pending.clientId, organizationId: info.organizationId, attempts };
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
   * Everything after the AWSCURRENT move, safe to repeat: drop AWSPENDING, publish, revoke on
   * emergency, then clear the emergency tag (last, so a crash before it repeats the revoke).
   * The event goes out before the revoke: dependents (Data Actions credentials, webhooks) must learn
   * of the new credentials even if the revoke keeps failing (then this step fails and alarms).
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
    const emergency = Object.hasOwn(meta.tags, TAGS.emergency);

    await this.deps.publisher.publish({
      secretArn: meta.arn,
      versionId: token,
      clientId: current.clientId,
      environment: current.environment,
      strategy: current.strategy,
      emergency,
      rotatedAt: this.now().toISOString(),
    });
    log.info('finishSecret: published rotated event', { secretArn: meta.arn, versionId: token, clientId: current.clientId, emergency, result });

    let revokedClientId: string | undefined;
    if (emergency) {
      revokedClientId = await this.revokePrevious(secret, token, current);
      await this.deps.store.untag(meta.arn, [TAGS.emergency]);
      log.warn('finishSecret: emergency rotation complete', { secretArn: meta.arn, versionId: token, revokedClientId: revokedClientId ?? 'none (single: regenerate revoked it)' });
    }
    return {
      step: 'finishSecret',
      result,
      secretName: meta.name,
      clientId: current.clientId,
      emergency,
      ...(revokedClientId !== undefined ? { revokedClientId } : {}),
    };
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
  private async revokePrevious(secret: BoundSecret, currentVersionId: string, current: SecretDocument): Promise<string | undefined> {
    const { meta } = secret;
    const revoke = planRevocation(current);
    if (revoke === undefined) return undefined;
    // For the admin pair, the new current client revokes the old one: never a client its own secret.
    const admin = await this.adminAccess(secret, currentVersionId, current);
    assertSafeRegenerate(revoke, admin.pair, admin.selfPair);
    const genesys = this.deps.genesys(current.environment);
    // The response holds a secret nobody must know: it is dropped here, on purpose.
    await this.withAdminToken(admin, genesys, (adminToken) => genesys.regenerateSecret(adminToken, revoke));
    this.deps.log.warn('finishSecret: emergency revoked previous credentials', { secretArn: meta.arn, revokedClientId: revoke });
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
        cacheKey: `${docVersionId}@${secretArn}`,
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
   * A token with the pending credentials. A fresh secret may be refused for a moment
   * (GENESYS-API.md: propagation), so invalid_client is retried with backoff for a bounded time.
   */
  private async tokenAfterPropagation(
    genesys: GenesysApi,
    pending: SecretDocument,
    secretArn: string,
    versionId: string,
    deadlineMs: number | undefined,
  ): Promise<{ token: AccessToken; attempts: number }> {
    const { maxWaitMs, initialDelayMs, maxDelayMs } = this.propagation;
    let waited = 0;
    // At least 1 ms, so that a zero policy still ends (waited grows on every retry).
    let delay = Math.max(1, initialDelayMs);
    for (let attempts = 1; ; attempts++) {
      try {
        return { token: await genesys.getToken({ clientId: pending.clientId, clientSecret: pending.clientSecret }), attempts };
      } catch (error) {
        const refused = isCredentialRefusal(error);
        const outOfTime = deadlineMs !== undefined && Date.now() + delay > deadlineMs;
        if (!refused || waited + delay > maxWaitMs || outOfTime) {
          if (refused) {
            throw new VerificationError(
              `testSecret: Genesys Cloud refused the new credentials of client ${pending.clientId} for secret ${secretArn} after ${attempts} attempts over ${waited} ms`,
              { cause: error },
            );
          }
          throw error;
        }
        this.deps.log.info('testSecret: new secret not accepted yet; waiting', { secretArn, versionId, clientId: pending.clientId, attempts, delayMs: delay, ...describeError(error) });
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
    return { doc, versionId: value.versionId };
  }

  /** Refuse a document that disagrees with the secret's binding (fail closed, before any Genesys call). */
  private checkBound(secret: BoundSecret, doc: SecretDocument, stage: string): SecretDocument {
    assertDocumentMatchesBinding(doc, secret.binding, secret.meta.arn, `${secret.meta.arn} (${stage})`);
    return doc;
  }
}
