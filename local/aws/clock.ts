/** Time as the stand-ins see it: injectable, and serialised the way the AWS JSON protocol sends it. */

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** AWS JSON 1.1 timestamps are epoch seconds, possibly fractional. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** `LastAccessedDate` is a date without a time: Secrets Manager rounds it down to midnight UTC. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

export function addHours(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * 3_600_000);
}

/** Resolves after `ms` milliseconds; resolves at once for 0 so tests stay fast. */
export async function sleep(ms: number): Promise<void> {
  if (ms <= 0) return;
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
}
