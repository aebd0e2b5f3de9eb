import type { FieldError } from '../api/types.js';

/** The DOM id of the input a field path names: `formData.stateContacts.0.email` → `formData-stateContacts-0-email`. */
export const fieldId = (path: string) => path.replace(/[^A-Za-z0-9_-]/g, '-');

/** Messages for exactly this path. */
export function messagesFor(errors: readonly FieldError[], path: string): string[] {
  return errors.filter((e) => e.path === path).map((e) => e.message);
}

/** Messages for the path or anything under it (`formData.programIds.0` belongs to `formData.programIds`). */
export function messagesUnder(errors: readonly FieldError[], path: string): string[] {
  return errors.filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => e.message);
}
