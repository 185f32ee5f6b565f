/** Narrowing helpers for parsed JSON request bodies. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array of strings each in `allowed`, or undefined if `value` is anything else. */
export function enumArray<T extends string>(value: unknown, allowed: readonly T[]): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value) {
    const match = allowed.find((a) => a === item);
    if (match === undefined) return undefined;
    out.push(match);
  }
  return out;
}
