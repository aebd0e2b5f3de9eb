/**
 * Which text Carepack keeps. Every backend must accept exactly the same strings, and they do
 * not agree on their own: PostgreSQL refuses NUL (U+0000) in `text` and turns an unpaired
 * UTF-16 surrogate into U+FFFD (or refuses it inside JSON), while DynamoDB keeps both. So the
 * rule is made here, once: a storable string holds no NUL and no unpaired surrogate (it is
 * well-formed Unicode without U+0000). The stores check their input with `findUnstorableText`;
 * the domain schemas use `isStorableText` on every string field.
 */

import { z } from 'zod';
import { DomainError } from './errors.js';

/** Why a string cannot be stored. */
export type UnstorableReason = 'NUL' | 'LONE_SURROGATE';

export interface UnstorableText {
  /** Where the string is in the value walked (object keys and array indexes), e.g. `['formData', 'stateContacts', 0, 'name']`. */
  path: (string | number)[];
  reason: UnstorableReason;
  /** A sentence for the user, e.g. "must not contain the NUL character (U+0000)". */
  message: string;
}

export const UNSTORABLE_TEXT_MESSAGES: Record<UnstorableReason, string> = {
  NUL: 'must not contain the NUL character (U+0000)',
  LONE_SURROGATE: 'must be valid Unicode text (it holds an unpaired surrogate code unit)',
};

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// Without the `u` flag a regex works on UTF-16 code units, which is what is needed here.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): UnstorableReason | undefined {
  if (text.includes('\u0000')) return 'NUL';
  if (LONE_SURROGATE.test(text)) return 'LONE_SURROGATE';
  return undefined;
}

/** True when every store keeps `text` exactly as given: no NUL, no unpaired surrogate. */
export function isStorableText(text: string): boolean {
  return unstorableReason(text) === undefined;
}

/**
 * The first string in `value` (walked through arrays and plain objects, keys included) that
 * cannot be stored, with its path under `path`; undefined when every string can be.
 */
export function findUnstorableText(
  value: unknown,
  path: (string | number)[] = [],
): UnstorableText | undefined {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? { path, reason, message: UNSTORABLE_TEXT_MESSAGES[reason] } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const inKey = findUnstorableText(key, [...path, key]);
      if (inKey) return inKey;
      const found = findUnstorableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Refuses `value` (VALIDATION_FAILED) when any string in it, keys included, holds a NUL or an
 * unpaired surrogate; `path` names where `value` sits in the request. Every store applies it to
 * what it is given, so all backends accept exactly the same strings.
 */
export function assertStorableText(value: unknown, path: (string | number)[] = []): void {
  const found = findUnstorableText(value, path);
  if (!found) return;
  const where = found.path.length ? found.path.join('.') : 'text';
  throw new DomainError('VALIDATION_FAILED', `${where} ${found.message}`, [
    { path: where, message: found.message },
  ]);
}

/** A zod string that only takes storable text: every free-text field of the domain is one. */
export const storableString = () =>
  z.string().superRefine((text, ctx) => {
    const reason = unstorableReason(text);
    if (reason) ctx.addIssue({ code: 'custom', message: UNSTORABLE_TEXT_MESSAGES[reason] });
  });
