/**
 * Which version of a package a save of the editor's form claims to change (`expectedVersion`).
 * The form is loaded once and then belongs to the user, so the version is the one it was loaded
 * from (or last saved as) — not the live query's, which a background refetch may have moved on
 * to someone else's change that the form never showed.
 */
import type { FormData, PackageView } from '../api/types.js';

/** What the form was loaded from, or last saved as. */
export interface LoadedVersion {
  version: number;
  formData: FormData;
}

export const loadedFrom = (pkg: PackageView): LoadedVersion => ({
  version: pkg.version,
  formData: pkg.revisions[0]!.formData,
});

/**
 * The loaded version; or a newer one the live query holds when its form data is still exactly
 * what the form was loaded from — only documents changed (the user's own uploads, say), which a
 * save of the form leaves alone. Any change to the form data keeps the loaded version, so the
 * save is refused as a conflict instead of overwriting that change.
 */
export function versionToSend(loaded: LoadedVersion, live: PackageView | undefined): number {
  if (!live || live.version <= loaded.version) return loaded.version;
  return canonical(live.revisions[0]!.formData) === canonical(loaded.formData)
    ? live.version
    : loaded.version;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
