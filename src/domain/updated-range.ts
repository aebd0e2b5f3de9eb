/**
 * The package lists' "last updated" range: whole UTC calendar days, both ends included, either
 * end optional. One rule for the API, the CLI and every store, which filters on the instants
 * this gives (the list's own date: for CMS, the last submit, unlock, resubmit or review action).
 */
import { invalidFields } from './errors.js';
import { IsoDateSchema } from './form-data.js';
import type { FieldError } from './validate-submit.js';

export interface UpdatedRange {
  /** `YYYY-MM-DD`: updated on this day or later. */
  updatedFrom?: string | undefined;
  /** `YYYY-MM-DD`: updated on this day or earlier. */
  updatedTo?: string | undefined;
}

/** The instants a range keeps: `atOrAfter <= updatedAt < before` (ISO, UTC, milliseconds). */
export interface UpdatedBounds {
  atOrAfter?: string;
  before?: string;
}

const dayStart = (day: string) => `${day}T00:00:00.000Z`;
const nextDayStart = (day: string) => new Date(Date.parse(dayStart(day)) + 24 * 60 * 60 * 1000).toISOString();

/**
 * Checks a range and gives its bounds: VALIDATION_FAILED naming `updatedFrom` / `updatedTo` when
 * one is not a real `YYYY-MM-DD` date, or `updatedTo` when it is before `updatedFrom`.
 */
export function updatedBounds(range: UpdatedRange): UpdatedBounds {
  const { updatedFrom, updatedTo } = range;
  const errors: FieldError[] = [];
  for (const [path, value] of [
    ['updatedFrom', updatedFrom],
    ['updatedTo', updatedTo],
  ] as const) {
    if (value === undefined) continue;
    const parsed = IsoDateSchema.safeParse(value);
    if (!parsed.success) errors.push({ path, message: parsed.error.issues[0]!.message });
  }
  if (errors.length === 0 && updatedFrom && updatedTo && updatedTo < updatedFrom) {
    errors.push({ path: 'updatedTo', message: 'must not be before updatedFrom' });
  }
  if (errors.length > 0) throw invalidFields('the updated-date range is not valid', errors);
  return {
    ...(updatedFrom ? { atOrAfter: dayStart(updatedFrom) } : {}),
    ...(updatedTo ? { before: nextDayStart(updatedTo) } : {}),
  };
}

/** The range as a cursor tag part: nothing without one, so cursors of lists without it stay valid. */
export const updatedRangeTag = (range: UpdatedRange): string =>
  range.updatedFrom || range.updatedTo ? `:updated:${range.updatedFrom ?? ''}..${range.updatedTo ?? ''}` : '';
