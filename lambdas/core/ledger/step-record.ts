/**
 * One step invocation as the ledger's UpdateItem (record.ts `StepRecord`): what the step did, when, and
 * the facts an auditor asks for, from the engine's outcome or the error. Pure: the writer sends it.
 *
 * A retried step updates the same item: `attempts` (and `failures`) are ADDed, `firstAttemptAt` is set
 * only if absent, everything else describes the last attempt. The error of the last failed attempt is
 * kept when a later attempt succeeds (the record then says "succeeded after 1 failure: <error>").
 */
import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { RotatorError } from '../errors';
import { redactSecretLike } from '../redaction';
import type { RotationRequest, StepOutcome } from '../rotation/engine';
import { entryKey, expiresAt, LEDGER_KEYS, LEDGER_TTL_ATTRIBUTE, secretNameFromArn, type StepRecord } from './record';

/** What one invocation of a step did. */
export interface StepAttempt {
  readonly request: Pick<RotationRequest, 'secretId' | 'token' | 'step'>;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly result: { readonly outcome: StepOutcome } | { readonly error: unknown };
}

/** Longest error message a record keeps. */
export const MAX_ERROR_MESSAGE_LENGTH = 500;


/**
 * The error fields of a record: the class name, and the message only for our own errors (they name
 * fields and calls, never values). A foreign error's message (a parser quoting its input, an SDK
 * echoing a body) is withheld; its name is enough to find the log line.
 */
export function recordedError(error: unknown): { readonly errorType: string; readonly errorMessage: string } {
  if (!(error instanceof Error)) return { errorType: 'NonError', errorMessage: `(a thrown ${typeof error})` };
  if (!(error instanceof RotatorError)) return { errorType: error.name, errorMessage: '(message withheld: not a rotator error; see the rotate function log)' };
  // Runs that could be a value are replaced even though our messages never carry one (a belt to errors.ts).
  const scrubbed = redactSecretLike(error.message, 32);
  return {
    errorType: error.name,
    errorMessage: scrubbed.length > MAX_ERROR_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : scrubbed,
  };
}


type Facts = Partial<Pick<StepRecord,
  'result' | 'targetClientId' | 'verifiedClientId' | 'organizationId' | 'currentClientId' | 'revokedClientId' | 'disabledClientIds' | 'tokensEnded' | 'emergency' | 'emergencyReason' | 'emergencyRequestedAt'>>;


/** The facts a successful step's outcome carries (ids and the emergency, never a value). */
export function outcomeFacts(outcome: StepOutcome): Facts {
  const facts: Facts = { result: outcome.result };
  if (outcome.result === 'created') {
    return {
      ...facts,
      targetClientId: outcome.targetClientId,
      ...(outcome.emergency !== undefined
        ? { emergency: true, emergencyReason: outcome.emergency.reason, ...(outcome.emergency.requestedAt !== undefined ? { emergencyRequestedAt: outcome.emergency.requestedAt } : {}) }
        : {}),
    };
  }
  if (outcome.result === 'verified') {
    return { ...facts, verifiedClientId: outcome.clientId, organizationId: outcome.organizationId };
  }
  if (outcome.result === 'finished' || outcome.result === 'republished') {
    const request = outcome.emergencyRequest;
    return {
      ...facts,
      currentClientId: outcome.clientId,
      ...(outcome.revokedClientId !== undefined ? { revokedClientId: outcome.revokedClientId } : {}),
      ...(outcome.disabledClientIds !== undefined && outcome.disabledClientIds.length > 0 ? { disabledClientIds: outcome.disabledClientIds } : {}),
      ...(outcome.tokensEnded !== undefined ? { tokensEnded: outcome.tokensEnded } : {}),
      ...(outcome.emergency ? { emergency: true } : {}),
      ...(request !== undefined ? { emergencyReason: request.reason, ...(request.requestedAt !== undefined ? { emergencyRequestedAt: request.requestedAt } : {}) } : {}),
    };
  }
  return facts;
}

function attributeValue(value: string | number | boolean | readonly string[]): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  // A list, not a string set: readers get an array back, and an empty list is allowed.
  return { L: value.map((item) => ({ S: item })) };
}

/** The UpdateItem that records `attempt` in `tableName`. */
export function stepUpdate(tableName: string, attempt: StepAttempt, retentionDays: number | undefined): UpdateItemCommandInput {
  const { request } = attempt;
  const failed = 'error' in attempt.result;
  const ttl = expiresAt(attempt.endedAt, retentionDays);
  const set: Record<string, string | number | boolean | readonly string[]> = {
    kind: 'step',
    secretArn: request.secretId,
    versionId: request.token,
    step: request.step,
    outcome: failed ? 'failed' : 'succeeded',
    lastAttemptAt: attempt.startedAt.toISOString(),
    durationMs: Math.max(0, attempt.endedAt.getTime() - attempt.startedAt.getTime()),
    ...('error' in attempt.result ? recordedError(attempt.result.error) : outcomeFacts(attempt.result.outcome)),
    ...(ttl !== undefined ? { [LEDGER_TTL_ATTRIBUTE]: ttl } : {}),
  };
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = { ':one': { N: '1' } };
  const actions: string[] = [];
  Object.entries(set).forEach(([attribute, value], index) => {
    names[`#a${index}`] = attribute;
    values[`:v${index}`] = attributeValue(value);
    actions.push(`#a${index} = :v${index}`);
  });
  names['#first'] = 'firstAttemptAt';
  values[':started'] = { S: attempt.startedAt.toISOString() };
  actions.push('#first = if_not_exists(#first, :started)');
  names['#attempts'] = 'attempts';
  names['#failures'] = 'failures';
  const add = failed ? 'ADD #attempts :one, #failures :one' : 'ADD #attempts :one';
  if (!failed) {
    // Every record has `failures`, 0 until an attempt fails.
    values[':zero'] = { N: '0' };
    actions.push('#failures = if_not_exists(#failures, :zero)');
  }
  let remove = '';
  if (failed) {
    // The last attempt failed: a result word of an earlier success would contradict `outcome`.
    names['#result'] = 'result';
    remove = ' REMOVE #result';
  }
  return {
    TableName: tableName,
    Key: { [LEDGER_KEYS.partition]: { S: secretNameFromArn(request.secretId) }, [LEDGER_KEYS.sort]: { S: entryKey(request.token, request.step) } },
    UpdateExpression: `SET ${actions.join(', ')} ${add}${remove}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
