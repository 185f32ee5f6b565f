/**
 * Which webhook URLs the notifier may call: `https:` only, except plain `http://127.0.0.1` when the
 * local flag is set (tests and the demo; never in a deployed stack).
 */

/** Why a URL is refused, or `undefined` when it is allowed. The text is what was expected. */
export function webhookUrlProblem(url: string, allowLoopbackHttp: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'an absolute https:// URL';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'an https:// URL without user info (put credentials in the signing key, not the URL)';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && allowLoopbackHttp && parsed.hostname === '127.0.0.1') return undefined;
  return allowLoopbackHttp ? 'an https:// URL, or http://127.0.0.1 (local flag set)' : 'an https:// URL';
}

/** Origin and path of a URL, without query string: safe to log and to keep in the dead-letter queue. */
export function describeWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
