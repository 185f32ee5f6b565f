/**
 * RotationRules (RotationRulesType in the API reference): validation of the documented constraints and the
 * next rotation date. Secrets Manager "schedules the date by adding the rotation interval to the actual
 * date of the last rotation"; the stand-in does exactly that for `AutomaticallyAfterDays` and
 * `rate(N days|hours)`. For `cron(...)` it records the rule but computes no NextRotationDate (no scheduler
 * runs here, so nothing depends on it).
 */
import { validationError } from '../aws-error';
import { addDays, addHours } from '../clock';
import type { JsonInput } from '../json-input';

export interface RotationRules {
  readonly AutomaticallyAfterDays?: number;
  readonly Duration?: string;
  readonly ScheduleExpression?: string;
}

const DURATION = /^[0-9h]{2,3}$/;
const SCHEDULE = /^[0-9A-Za-z()#?*\-/, ]{1,256}$/;
const RATE = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/;

export function parseRotationRules(input: JsonInput): RotationRules {
  const days = input.optionalNumber('AutomaticallyAfterDays');
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 1000)) {
    throw validationError(input.member('AutomaticallyAfterDays'), days, 'Member must have value between 1 and 1000');
  }
  const duration = input.optionalString('Duration');
  if (duration !== undefined && !DURATION.test(duration)) {
    throw validationError(input.member('Duration'), duration, 'Member must satisfy regular expression pattern: [0-9h]+');
  }
  const schedule = input.optionalString('ScheduleExpression');
  if (schedule !== undefined && !SCHEDULE.test(schedule)) {
    throw validationError(input.member('ScheduleExpression'), schedule, 'Member must satisfy regular expression pattern: [0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+');
  }
  return {
    ...(days !== undefined ? { AutomaticallyAfterDays: days } : {}),
    ...(duration !== undefined ? { Duration: duration } : {}),
    ...(schedule !== undefined ? { ScheduleExpression: schedule } : {}),
  };
}

/** The last rotation (or the moment rotation was configured) plus the interval; undefined for cron rules. */
export function nextRotationDate(rules: RotationRules | undefined, from: Date): Date | undefined {
  if (rules === undefined) return undefined;
  if (rules.ScheduleExpression !== undefined) {
    const rate = RATE.exec(rules.ScheduleExpression.trim());
    if (rate === null) return undefined;
    const amount = Number(rate[1]);
    return rate[2]?.startsWith('hour') === true ? addHours(from, amount) : addDays(from, amount);
  }
  if (rules.AutomaticallyAfterDays !== undefined) return addDays(from, rules.AutomaticallyAfterDays);
  return undefined;
}
