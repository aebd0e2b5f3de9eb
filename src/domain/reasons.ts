import { invalidField } from './errors.js';
import { storableString } from './text.js';

export const MAX_REASON_LENGTH = 5000;

/** Why CMS unlocks a package, or why the state resubmits it: required, trimmed, at most 5,000 characters. */
export const ReasonSchema = storableString().trim().min(1, 'give a reason').max(MAX_REASON_LENGTH);

/** The reason, trimmed; refused (VALIDATION_FAILED on `reason`) when blank or too long. */
export function requireReason(reason: string | undefined, action: 'unlock' | 'resubmit'): string {
  const parsed = ReasonSchema.safeParse(reason ?? '');
  if (parsed.success) return parsed.data;
  const tooLong = (reason ?? '').trim().length > MAX_REASON_LENGTH;
  throw invalidField(
    'reason',
    tooLong ? `is longer than ${MAX_REASON_LENGTH} characters` : `is required to ${action}`,
  );
}
