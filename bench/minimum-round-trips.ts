/**
 * The fewest calls each rotation step can make and still keep the contract of DESIGN.md §3, written
 * down with the reason for each call. The round-trip benchmark compares what the stand-ins saw with
 * this, operation by operation; a difference is reported, never "fixed" here.
 *
 * Terms:
 * - admin-secret: `single` and `alternating` secrets whose `adminSecretId` names the org's admin pair;
 * - self-pair: the admin pair's own secret (`alternating`, no `adminSecretId`);
 * - cold: the first rotation in a fresh process (or the first with this admin secret version);
 *   warm: a later rotation in the same warm process with the same admin secret version, which the
 *   engine's admin-token cache (lambdas/core/rotation/admin-tokens.ts) may answer from memory. An admin
 *   token lives hours (GENESYS-API.md §2) and rotations are days apart, so a scheduled rotation is
 *   cold unless siblings of the same organization rotate in the same window.
 * Every step of one rotation runs in the same process (one warm Lambda), as in the stand-ins.
 *
 * Client state (issue 14): Genesys changes an OAuth client's `state` only through a PUT of the whole
 * client (GENESYS-API.md §3), so a state change needs the client's fields from an answer of the same
 * step: a GET, or an `OAuthClient` Genesys already answered (the PUT and the regenerate answer 200
 * `OAuthClient`). That answer is also the check that only `state` changed: no read after a PUT.
 */
import type { RotationStep } from '../lambdas/core/rotation/engine';

/** Operation names: AWS operations as in `X-Amz-Target`, Genesys calls as `METHOD /path/{template}`. */
export const OP = {
  describe: 'DescribeSecret',
  getValue: 'GetSecretValue',
  putValue: 'PutSecretValue',
  updateStage: 'UpdateSecretVersionStage',
  untag: 'UntagResource',
  putEvents: 'PutEvents',
  token: 'POST /oauth/token',
  tokenInfo: 'GET /api/v2/tokens/me',
  regenerate: 'POST /api/v2/oauth/clients/{clientId}/secret',
  getClient: 'GET /api/v2/oauth/clients/{clientId}',
  putClient: 'PUT /api/v2/oauth/clients/{clientId}',
  tag: 'TagResource',
  ledger: 'UpdateItem',
} as const;

export type Operation = (typeof OP)[keyof typeof OP];

export interface MinimumCall {
  readonly count: number;
  readonly why: string;
}

export type StepMinimum = Partial<Record<Operation, MinimumCall>>;

export interface ScenarioSpec {
  readonly kind: 'admin-secret' | 'self-pair';
  /** The rotated secret's strategy (the admin pair is `alternating`). */
  readonly strategy: 'single' | 'alternating';
  readonly cache: 'cold' | 'warm';
  readonly emergency: boolean;
  /** Emergency of a `single` secret with `end-tokens=true`: disable and enable the client around its regenerate. */
  readonly endTokens?: boolean;
}

/**
 * The rotation ledger (lambdas/core/ledger/): every invocation of every step records itself. One
 * UpdateItem does it all: it creates the record on the first attempt and counts a retry on the same
 * item (ADD attempts, if_not_exists firstAttemptAt), so no read before the write and no second record.
 * It runs after the step's work, bounded (LEDGER_WRITE_TIMEOUT_MS) and never fails the step.
 */
const LEDGER: MinimumCall = {
  count: 1,
  why: "the ledger record of this step (one UpdateItem: outcome, attempts, facts; a retry updates the same item)",
};

const GUARD: MinimumCall = {
  count: 1,
  why: 'guards: rotation enabled, the token is a version, its labels (AWSPENDING / AWSCURRENT); finishSecret also needs the old AWSCURRENT version id and the tags (emergency, verify path) from the same answer',
};

export function minimumFor(spec: ScenarioSpec): Record<RotationStep, StepMinimum> {
  const selfPair = spec.kind === 'self-pair';
  // The token cache is keyed by the admin secret's AWSCURRENT version. For the admin pair that is its own
  // current version: warm after the org's managed secrets rotated with it, cold after its last rotation.
  const coldAdmin = spec.cache === 'cold';
  const alternating = spec.strategy === 'alternating';
  // Emergency: alternating disables the leaked (previous) client in finishSecret, and the standby around
  // its regenerate in createSecret; single only with end-tokens, around the regenerate (plan.ts).
  const revokes = spec.emergency && alternating;
  const disablesInCreate = spec.emergency && (alternating || spec.endTokens === true);
  const finish: StepMinimum = {
    [OP.describe]: GUARD,
    [OP.updateStage]: { count: 2, why: 'move AWSCURRENT to the token (RemoveFromVersionId = old current); remove AWSPENDING from it (DESIGN.md §3)' },
    [OP.getValue]: {
      count: revokes && !selfPair ? 2 : 1,
      why:
        'the new version\'s document: valid before AWSCURRENT moves to it, and its clientId, environment and strategy for the rotated event' +
        (revokes && !selfPair ? '; emergency: the admin secret (credentials that revoke the previous client)' : ''),
    },
    [OP.putEvents]: { count: 1, why: 'the rotated event (DESIGN.md §4)' },
    [OP.ledger]: LEDGER,
  };
  if (revokes) {
    // The previous client is the new document's alternateClientId (createSecret swapped them), so no
    // AWSPREVIOUS read is needed; the admin token is cached since createSecret of this rotation.
    finish[OP.regenerate] = { count: 1, why: 'emergency: regenerate and discard the previous client\'s secret (its id is the new alternateClientId)' };
    finish[OP.putClient] = {
      count: 1,
      why: "emergency: disable the previous client so its access tokens die; the body is the revoke's 200 OAuthClient answer (whole client, state), the PUT's answer the check",
    };
  }
  if (spec.emergency) finish[OP.untag] = { count: 1, why: 'emergency: clear the emergency tag' };
  const create: StepMinimum = {};
  if (spec.emergency) {
    create[OP.tag] = {
      count: 1,
      why: 'emergency: bind the request to this version in the tag before the regenerate; finishSecret reports done only the emergency its createSecret saw (emergency-tag.ts)',
    };
  }
  if (disablesInCreate) {
    create[OP.getClient] = {
      count: 1,
      why: 'emergency: the target before its regenerate: its state (refuse one being deleted) and its fields (the disable PUT writes the whole client back)',
    };
    create[OP.putClient] = {
      count: 2,
      why: "emergency: disable the target before its regenerate (its tokens die), enable it after the put; the enable's body is the regenerate's 200 OAuthClient answer",
    };
  } else {
    create[OP.getClient] = {
      count: 1,
      why: 'the target\'s state before its regenerate: enable it if an emergency left it disabled (the standby after an emergency, or a client whose end-tokens attempt crashed before its enable and whose tag changed since), refuse one being deleted; no PUT when active',
    };
  }
  return {
    createSecret: {
      ...create,
      [OP.describe]: GUARD,
      [OP.getValue]: {
        count: selfPair ? 2 : 3,
        why: selfPair
          ? 'the pending version (idempotency: already has a value?); AWSCURRENT (what to rotate, and the admin credentials)'
          : 'the pending version (idempotency: already has a value?); AWSCURRENT (what to rotate); the admin secret (credentials; its version keys the token cache)',
      },
      [OP.token]: { count: coldAdmin ? 1 : 0, why: coldAdmin ? 'an admin token (none cached for these admin credentials)' : 'none: the admin token is cached for this admin secret version' },
      [OP.regenerate]: { count: 1, why: 'the new secret of the target client' },
      [OP.putValue]: { count: 1, why: 'store the new document as AWSPENDING' },
      [OP.ledger]: LEDGER,
    },
    setSecret: {
      [OP.describe]: GUARD,
      [OP.ledger]: LEDGER,
    },
    testSecret: {
      [OP.describe]: GUARD,
      [OP.getValue]: {
        count: 2,
        why: selfPair
          ? 'the pending version (new credentials); AWSCURRENT (the active admin credentials, whose organization the new client must share)'
          : 'the pending version (new credentials, and adminSecretId, kept unchanged from AWSCURRENT); the admin secret (whose organization the new client must share; its version keys the cache)',
      },
      [OP.token]: { count: 1, why: 'a token with the pending credentials (no retry when the stand-in accepts a fresh secret at once)' },
      [OP.tokenInfo]: {
        count: coldAdmin ? 2 : 1,
        why: coldAdmin
          ? "the pending token's client and organization; the admin token's organization (not yet cached)"
          : "the pending token's client and organization (the admin organization is cached with the admin token)",
      },
      [OP.ledger]: LEDGER,
    },
    finishSecret: finish,
  };
}

/** Total calls of a step minimum. */
export function total(minimum: StepMinimum): number {
  return Object.values(minimum).reduce((sum, call) => sum + call.count, 0);
}
