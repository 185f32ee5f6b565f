/**
 * `bench/results.json`: stable key order (keys sorted at every level, arrays kept in order) and
 * rounded numbers, so a re-run on the same machine changes only the figures that moved.
 */
import { writeFileSync } from 'node:fs';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

function round(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 1 : magnitude >= 1 ? 3 : 4;
  return Number(value.toFixed(digits));
}

export function stable(value: Json | undefined): Json | undefined {
  if (value === null || value === undefined) return value;
  if (typeof value === 'number') return round(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly Json[]).map((item) => stable(item) ?? null);
  const record = value as { readonly [key: string]: Json | undefined };
  const out: Record<string, Json> = {};
  for (const key of Object.keys(record).sort()) {
    const item = stable(record[key]);
    if (item !== undefined) out[key] = item;
  }
  return out;
}

export function writeResults(path: string, results: Json): void {
  writeFileSync(path, `${JSON.stringify(stable(results), null, 2)}\n`);
}
