/** Plain-text tables for the terminal and Markdown tables for the README draft. */

export interface Table {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table (what a figure means, what limits it). */
  readonly notes?: readonly string[];
}

export function renderText(table: Table): string {
  const widths = table.head.map((cell, i) => Math.max(cell.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [table.title, line(table.head), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

export function renderMarkdown(table: Table): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(' | ')} |`;
  const out = [`**${table.title}**`, '', line(table.head), line(table.head.map(() => '---')), ...table.rows.map(line)];
  if (table.notes !== undefined && table.notes.length > 0) out.push('', ...table.notes.map((note) => `- ${note}`));
  return out.join('\n');
}

/** `median (min–max)` with a fixed number of decimals. */
export function spread(f: { median: number; min: number; max: number }, decimals = 2, unit = ''): string {
  const n = (v: number): string => v.toFixed(decimals);
  return `${n(f.median)}${unit} (${n(f.min)}–${n(f.max)})`;
}

export function verdict(ok: boolean): string {
  return ok ? 'yes' : 'NO';
}
