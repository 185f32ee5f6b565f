/**
 * Run-to-run noise (issue item 6): every figure is the median of at least five runs, shown with its
 * minimum and maximum, so a reader can tell a real difference from a noisy machine.
 */

export const MIN_RUNS = 5;

export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every run, in the order measured. */
  readonly runs: readonly number[];
}

export function figure(runs: readonly number[]): Figure {
  if (runs.length === 0) throw new Error('figure: no runs');
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, runs: [...runs] };
}

/** `a / b` run by run (the runs were measured in pairs, interleaved, so drift hits both alike). */
export function pairedRatio(a: readonly number[], b: readonly number[]): Figure {
  if (a.length !== b.length) throw new Error('pairedRatio: run counts differ');
  return figure(a.map((value, i) => value / (b[i] ?? Number.NaN)));
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
  return performance.now();
}

/** Wall time of `work` in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = nowMs();
  await work();
  return nowMs() - start;
}
