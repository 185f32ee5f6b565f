/** `MaxResults` / `NextToken` paging shared by ListSecrets and ListSecretVersionIds. */
import { AwsServiceError, validationError } from './aws-error';
import type { JsonInput } from './json-input';

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

const MAX_PAGE = 100;

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset }), 'utf8').toString('base64url');
}

function decodeToken(scope: string, token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { scope?: unknown; offset?: unknown };
    if (parsed.scope === scope && typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // fall through to the AWS error below
  }
  throw new AwsServiceError('InvalidNextTokenException', 'The NextToken value is invalid.');
}

/**
 * One page of `items` as asked for by `MaxResults` (1-100, default 100) and `NextToken`.
 * `scope` ties a token to the listing that issued it, so a token from another listing is refused.
 */
export function paginate<T>(input: JsonInput, scope: string, items: readonly T[]): Page<T> {
  const maxResults = input.optionalNumber('MaxResults') ?? MAX_PAGE;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE) {
    throw validationError(input.member('MaxResults'), maxResults, `Member must have value ${maxResults < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}`);
  }
  const token = input.optionalString('NextToken');
  const offset = token === undefined ? 0 : decodeToken(scope, token);
  const end = offset + maxResults;
  return { items: items.slice(offset, end), nextToken: end < items.length ? encodeToken(scope, end) : undefined };
}
