/** Text into HTML (and SVG inside it): the five characters that could end an attribute or start markup. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * An identifier (ARN, secret name) escaped, with break opportunities (`<wbr>`) only after `/`, `:` and
 * `-`, so a narrow cell wraps it at a separator and never in the middle of a token.
 */
export function breakableId(text: string): string {
  return escapeHtml(text).replace(/([/:-])/g, '$1<wbr>');
}
