/** `MaxResults` / `NextToken` paging shared by ListSecrets and ListSecretVersionIds. */
import { AwsServiceError, validationError } from './aws-error';
import type { JsonInput } from './json-input';

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

const MAX_PAGE = 100;

/**
 * How a listing pages beyond what the request asks for. Secrets Manager may return fewer items than
 * `MaxResults`; some independent implementations answer `NextToken: ""` on the last page and read an
 * empty `NextToken` in a request as "from the start" (a client that sends it back lists for ever).
 */
export interface PagingQuirks {
  /** At most this many items per page, whatever `MaxResults` asks for. */
  readonly pageSize?: number;
  /** The last page carries `NextToken: ""` instead of none; an empty `NextToken` asks for the first page. */
  readonly emptyFinalToken?: boolean;
}

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
 * `quirks` (tests only) shorten pages and mark the last one as other implementations do.
 */
export function paginate<T>(input: JsonInput, scope: string, items: readonly T[], quirks: PagingQuirks = {}): Page<T> {
  const maxResults = input.optionalNumber('MaxResults') ?? MAX_PAGE;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE) {
    throw validationError(input.member('MaxResults'), maxResults, `Member must have value ${maxResults < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}`);
  }
  const token = input.optionalString('NextToken');
  const offset = token === undefined || (token === '' && quirks.emptyFinalToken === true) ? 0 : decodeToken(scope, token);
  const end = offset + Math.min(maxResults, quirks.pageSize ?? MAX_PAGE);
  if (end < items.length) return { items: items.slice(offset, end), nextToken: encodeToken(scope, end) };
  return { items: items.slice(offset, end), nextToken: quirks.emptyFinalToken === true ? '' : undefined };
}
