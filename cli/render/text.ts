/** Plain-text rendering for people: aligned tables and short dates. */

/** `2026-01-31 14:05Z`: minute precision, always UTC. */
export function shortDate(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '-';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** A table with a header row; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
