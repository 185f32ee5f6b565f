/**
 * Errors the AWS stand-ins send back on the wire, plus the one error they throw at their own callers.
 *
 * An `AwsServiceError` becomes an AWS JSON 1.1 error response: the `x-amzn-errortype` header and a body
 * `{"__type": type, "message": message}`, which is what the SDK reads to raise the matching exception
 * class (`ResourceNotFoundException`, `InvalidRequestException`, ...). Messages never carry a secret value.
 */

/** An error answered to the client as an AWS JSON 1.1 error response. */
export class AwsServiceError extends Error {
  /** The AWS error type, e.g. `ResourceNotFoundException`. */
  readonly type: string;
  /** HTTP status: 400 for client errors, 5xx for service faults (which the SDK retries). */
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = 'AwsServiceError';
    this.type = type;
    this.status = status;
  }
}

/** Misuse of the emulator's in-process API by a test, the demo or a benchmark (never sent on the wire). */
export class EmulatorUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorUsageError';
  }
}

/** HTTP status AWS uses for a given error type: service faults are 5xx, everything else 400. */
export function statusForErrorType(type: string): number {
  switch (type) {
    case 'InternalServiceError':
    case 'InternalException':
    case 'InternalFailure':
    case 'InternalServerError': // DynamoDB's
      return 500;
    case 'ServiceUnavailable':
    case 'ServiceUnavailableException':
      return 503;
    default:
      return 400;
  }
}

/** Builds `1 validation error detected: ...` exactly as AWS phrases constraint violations. */
export function validationError(member: string, value: unknown, constraint: string): AwsServiceError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
