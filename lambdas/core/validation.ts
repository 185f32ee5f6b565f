/**
 * The one place that turns a zod failure into the field and "what was expected" our
 * `ValidationError`s carry. Schemas put the expectation in their `error` strings, so the message
 * never quotes the input (which may hold a secret).
 */
import type * as z from 'zod';

export interface FirstIssue {
  /** Dotted path of the first bad field, or `root` when the whole value is wrong. */
  readonly field: string;
  readonly expected: string;
  /** True when the field is absent (zod saw `undefined`). */
  readonly missing: boolean;
}

/** Environment values: an empty string counts as unset (t3-env). Use with `z.preprocess`. */
export const emptyAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

export function firstIssue(error: z.ZodError, root = '(root)'): FirstIssue {
  const issue = error.issues[0];
  if (issue === undefined) return { field: root, expected: 'a valid value', missing: false };
  return {
    field: issue.path.length > 0 ? issue.path.join('.') : root,
    expected: issue.message,
    missing: issue.code === 'invalid_type' && issue.input === undefined,
  };
}
