import { invalidField } from './errors.js';
import { storableString } from './text.js';

export const MAX_REASON_LENGTH = 5000;

/**
 * Why CMS unlocks, withdraws or undoes a decision, or why the state resubmits: required,
 * trimmed, at most 5,000 characters.
 */
export const ReasonSchema = storableString().trim().min(1, 'give a reason').max(MAX_REASON_LENGTH);

/** The reason, trimmed; refused (VALIDATION_FAILED on `reason`) when blank or too long. */
export function requireReason(reason: string | undefined, action: string): string {
  const parsed = ReasonSchema.safeParse(reason ?? '');
  if (parsed.success) return parsed.data;
  const tooLong = (reason ?? '').trim().length > MAX_REASON_LENGTH;
  throw invalidField(
    'reason',
    tooLong ? `is longer than ${MAX_REASON_LENGTH} characters` : `is required to ${action}`,
  );
}

/** A reason that may be left out (an approval by a CMS reviewer): trimmed, '' when blank. */
export function optionalReason(reason: string | undefined): string {
  if (reason === undefined || reason.trim() === '') return '';
  return requireReason(reason, 'approve');
}
