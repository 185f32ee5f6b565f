/**
 * Names other systems depend on, shared by the Lambdas, the CDK stack and the CLI so each lives in
 * one place: the tags on a managed secret and the CloudWatch metrics.
 */

/** Tags on a managed secret. */
export const TAGS = {
  /**
   * Set by an admin (CLI `emergency`, or by hand) to make a rotation revoke the credentials it
   * replaces. Value: `requested=<ISO-8601 UTC> [version=<id>] [reason=<text>]`, or any plain text when
   * set by hand (rotation/emergency-tag.ts). Only a rotation whose createSecret saw the tag honours it:
   * createSecret writes its version id into the value (the rotate role needs TagResource on this key),
   * and that rotation's finishSecret clears the tag (UntagResource on this key).
   */
  emergency: 'genesys-rotator:emergency',
  /** Optional read-only API path testSecret calls with the new credentials, e.g. `/api/v2/organizations/me`. */
  verifyPath: 'genesys-rotator:verify-path',
  /** `true` on every secret the stack manages; the CLI finds secrets by it. */
  managed: 'genesys-rotator:managed',
  /** The policy's maximum age in days, for `status`. */
  maxRotationDays: 'genesys-rotator:max-rotation-days',
} as const;

/**
 * Staging labels createSecret puts on a pending version, next to AWSPENDING, to record what it did in a
 * place only the rotate role may change (the managed secret's resource policy denies stage moves to
 * everyone else, where tags are writable by whoever may tag the secret). finishSecret believes these,
 * never the tag, about what this version's createSecret did. A label sits on one version at a time.
 */
export const VERSION_LABELS = {
  /** createSecret bound an emergency request to this version before its regenerate. */
  emergency: 'GENESYS_ROTATOR_EMERGENCY',
  /** createSecret disabled the target around its regenerate: tokens issued with its credentials died. */
  tokensEnded: 'GENESYS_ROTATOR_TOKENS_ENDED',
} as const;

/** CloudWatch namespace of every metric the rotator emits. */
export const METRIC_NAMESPACE = 'GenesysOAuthRotator';
/** Dimension naming the secret (its name, not its ARN). */
export const SECRET_NAME_DIMENSION = 'SecretName';
/** Emitted by the rotate function when finishSecret promotes a version (value 1, Count). */
export const ROTATION_SUCCEEDED_METRIC = 'RotationSucceeded';
/** Emitted with RotationSucceeded when the rotation was an emergency (value 1, Count). */
export const EMERGENCY_ROTATION_METRIC = 'EmergencyRotation';
/** Put hourly by the stack's age reporter: days since the last rotation. */
export const SECRET_AGE_METRIC = 'SecretAgeDays';
