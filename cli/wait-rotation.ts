/**
 * Waits for a rotation started by RotateSecret and reports each step as far as Secrets Manager's
 * metadata lets one infer it (there is no API that reports steps):
 * - createSecret is done once the new version has a value;
 * - setSecret does nothing for this rotator (Genesys Cloud generated the secret in createSecret);
 * - testSecret passed and finishSecret ran once the new version is AWSCURRENT;
 * - for an emergency, the rotation clears the emergency tag last; a rotation honours the emergency only
 *   when its createSecret wrote its version into the tag (lambdas/core/rotation/emergency-tag.ts), so a
 *   version that is AWSCURRENT while the tag names another version (or none) finished without honouring it.
 * Success: the version is AWSCURRENT (and the tag is gone, when asked). Otherwise the timeout passed
 * first (`not-finished`: the rotation goes on, and nothing says it failed: a step is called failed only
 * when the version is older than status's grace for it, DEFAULT_NO_VALUE_GRACE_MS), or the version lost
 * its AWSPENDING label without becoming AWSCURRENT (`replaced`).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWSCURRENT, AWSPENDING } from '../lambdas/core/aws/secrets-store';
import { isBoundTo, parseEmergencyTag } from '../lambdas/core/rotation/emergency-tag';
import { DEFAULT_NO_VALUE_GRACE_MS, formatDuration } from '../lambdas/core/status/classify';
import { describeSecret, listVersions, versionHasValue, type SecretMeta } from './aws/managed-secrets';
import type { Progress } from './progress';

export type StepName = 'RotateSecret' | 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret' | 'emergencyTag';
/** `pending`: not done when the wait ended, and not known to have failed (the rotation may still do it). */
export type StepStatus = 'done' | 'failed' | 'pending' | 'not reached' | 'unknown' | 'skipped';

/**
 * How the wait ended: `rotated` (the version is AWSCURRENT, the tag gone when asked), `not-finished`
 * (the timeout passed first; the rotation goes on), `replaced` (the version lost AWSPENDING without
 * becoming AWSCURRENT).
 */
export type WaitOutcome = 'rotated' | 'not-finished' | 'replaced';

/**
 * What a rotation did with an emergency (`emergencyTag`): `honoured` (tag cleared by the rotation),
 * `not-honoured` (finished while the tag names another version or none: its secret predates the
 * request; the tag stays for a fresh rotation), `unknown` (the rotation did not finish).
 */
export type EmergencyOutcome = 'honoured' | 'not-honoured' | 'unknown';

export interface StepReport {
  readonly step: StepName;
  readonly status: StepStatus;
  /** What was seen, and how the status was inferred. */
  readonly detail: string;
}

export interface RotationWaitResult {
  readonly succeeded: boolean;
  readonly outcome: WaitOutcome;
  readonly versionId: string;
  readonly steps: readonly StepReport[];
  /** DescribeSecret at the end. */
  readonly meta: SecretMeta;
  /** Why it did not succeed, in words (for `not-finished`: what is known, not a failure). */
  readonly failure: string | undefined;
  /** Set when `emergencyTag` was given. */
  readonly emergency?: EmergencyOutcome;
}

export interface WaitOptions {
  readonly secretArn: string;
  readonly versionId: string;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** Also wait for this tag to disappear (the emergency tag). */
  readonly tagCleared?: string;
  /**
   * The emergency tag: once the version is AWSCURRENT, wait while the tag is bound to it (the rotation
   * is revoking and will clear it), and stop when it is gone (honoured) or names another version or
   * none (not honoured). Takes the place of `tagCleared`.
   */
  readonly emergencyTag?: string;
  readonly progress: Progress;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The emergency as the tag shows it for `versionId`: gone, bound to this version, or not (another version or none). */
function emergencyState(tags: Readonly<Record<string, string>>, tag: string, versionId: string): 'gone' | 'bound' | 'unbound' {
  const value = tags[tag];
  if (value === undefined) return 'gone';
  return isBoundTo(parseEmergencyTag(value), versionId) ? 'bound' : 'unbound';
}

export async function waitForRotation(client: SecretsManagerClient, options: WaitOptions): Promise<RotationWaitResult> {
  const { secretArn, versionId, timeoutMs, pollIntervalMs, emergencyTag, progress } = options;
  const tagCleared = emergencyTag ?? options.tagCleared;
  const started = Date.now();
  let hasValue = false;
  let meta: SecretMeta;
  let failure: string | undefined;
  let current = false;
  let tagGone = tagCleared === undefined;
  let notHonoured = false;
  let outcome: WaitOutcome = 'rotated';

  for (;;) {
    meta = await describeSecret(client, secretArn);
    const stages = meta.versionStages[versionId] ?? [];
    current = stages.includes(AWSCURRENT);
    tagGone = tagCleared === undefined || !Object.hasOwn(meta.tags, tagCleared);
    // Finished without honouring: the tag does not name this version, so this rotation will never clear it.
    notHonoured = current && emergencyTag !== undefined && emergencyState(meta.tags, emergencyTag, versionId) === 'unbound';
    if (!current && !hasValue) hasValue = await versionHasValue(client, secretArn, versionId);
    if (current && (tagGone || notHonoured)) break;
    if (!current && !stages.includes(AWSPENDING)) {
      outcome = 'replaced';
      failure = `version ${versionId} lost its AWSPENDING label without becoming AWSCURRENT (another rotation replaced it?)`;
      break;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      outcome = 'not-finished';
      failure = current
        ? `version ${versionId} is AWSCURRENT but the ${tagCleared ?? ''} tag was not cleared within ${formatDuration(timeoutMs)}`
        : `version ${versionId} is not AWSCURRENT yet after ${formatDuration(timeoutMs)}; the rotation goes on`;
      break;
    }
    progress.update(`rotating ${meta.name}: ${current ? 'finished, waiting for the emergency tag to clear' : hasValue ? 'new secret stored, testing' : 'creating the new secret'} (${formatDuration(elapsed)})`);
    await sleep(pollIntervalMs);
  }
  progress.done();

  const versions = await listVersions(client, secretArn, false);
  const created = versions.find((version) => version.versionId === versionId)?.createdDate;
  const previous = versions.find((version) => version.stages.includes('AWSPREVIOUS'));
  const age = created === undefined ? undefined : Date.now() - created.getTime();
  // A step the rotation has not come to: still to come while it runs, never reached once it ended.
  const later: StepStatus = outcome === 'not-finished' ? 'pending' : 'not reached';
  const steps: StepReport[] = [
    { step: 'RotateSecret', status: 'done', detail: `staged version ${versionId} as AWSPENDING${created ? ` at ${created.toISOString()}` : ''}` },
    current || hasValue ? { step: 'createSecret', status: 'done', detail: 'the new version has a value: Genesys Cloud regenerated the secret and it was stored as AWSPENDING' } : createSecretNotDone(outcome, age),
    current || hasValue
      ? { step: 'setSecret', status: 'done', detail: 'nothing to do: Genesys Cloud generated the secret in createSecret (inferred)' }
      : { step: 'setSecret', status: later, detail: 'runs after createSecret' },
    current
      ? { step: 'testSecret', status: 'done', detail: 'the new credentials got a token for the right client (inferred: finishSecret runs only after it passes)' }
      : hasValue
        ? outcome === 'not-finished'
          ? { step: 'testSecret', status: 'pending', detail: 'not done yet: the new credentials are being tested (a fresh secret may take a moment to be accepted); if the version stays pending, see the rotate function logs' }
          : { step: 'testSecret', status: 'unknown', detail: 'not observable: it failed, or finishSecret did; see the rotate function logs' }
        : { step: 'testSecret', status: later, detail: 'runs after createSecret' },
    current
      ? {
          step: 'finishSecret',
          status: 'done',
          detail: `version ${versionId} is AWSCURRENT${previous ? `; ${previous.versionId} is AWSPREVIOUS` : ''}`,
        }
      : { step: 'finishSecret', status: hasValue && outcome !== 'not-finished' ? 'unknown' : later, detail: `version ${versionId} is not AWSCURRENT${outcome === 'not-finished' ? ' yet' : ''}` },
  ];
  if (tagCleared !== undefined) {
    steps.push(
      tagGone
        ? { step: 'emergencyTag', status: 'done', detail: `tag ${tagCleared} cleared by the rotation` }
        : notHonoured
          ? { step: 'emergencyTag', status: 'skipped', detail: `not honoured: this rotation made its new secret before the emergency was requested; tag ${tagCleared} kept for a fresh rotation` }
          : { step: 'emergencyTag', status: current ? 'failed' : 'not reached', detail: `tag ${tagCleared} is still set` },
    );
  }
  const result = { succeeded: failure === undefined, outcome, versionId, steps, meta, failure };
  if (emergencyTag === undefined) return result;
  return { ...result, emergency: current && tagGone ? 'honoured' : notHonoured ? 'not-honoured' : 'unknown' };
}

/**
 * createSecret while its version has no value. Still within the wait's timeout, or younger than the
 * grace `status` gives it (5 min): pending, not failed; `status` calls it stuck after that grace.
 */
function createSecretNotDone(outcome: WaitOutcome, ageMs: number | undefined): StepReport {
  if (outcome === 'not-finished' && (ageMs === undefined || ageMs < DEFAULT_NO_VALUE_GRACE_MS)) {
    return {
      step: 'createSecret',
      status: 'pending',
      detail: `no value yet${ageMs !== undefined ? ` ${formatDuration(ageMs)} after it was staged` : ''}: createSecret is still running (if the version stays without a value, see the rotate function logs)`,
    };
  }
  return { step: 'createSecret', status: 'failed', detail: `the new version has no value${ageMs !== undefined ? ` ${formatDuration(ageMs)} after it was staged` : ''}: createSecret failed (or is still being retried); see the rotate function logs` };
}

export function renderSteps(steps: readonly StepReport[]): string[] {
  const width = Math.max(...steps.map((s) => s.step.length));
  return steps.map((s) => `  ${s.step.padEnd(width)}  ${s.status.padEnd(11)}  ${s.detail}`);
}
