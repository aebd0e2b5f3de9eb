/**
 * The stores' own check of the text they are given, so that every backend accepts exactly the
 * same strings (see `src/domain/text.ts`): what one backend cannot keep, none takes.
 */
import { findUnstorableText } from '../domain/index.js';
import { invalidInput } from './errors.js';

/**
 * Refuses `value` with InvalidInput when any string in it (keys included) holds a NUL or an
 * unpaired surrogate. `path` names where `value` sits in the caller's input, for the message.
 */
export function assertStorableText(value: unknown, path: (string | number)[] = []): void {
  const found = findUnstorableText(value, path);
  if (!found) return;
  const where = found.path.length ? found.path.join('.') : 'text';
  throw invalidInput(`${where} ${found.message}`, {
    issues: [{ path: found.path, message: found.message }],
  });
}
