/**
 * The version the editor's save claims to change: the one its form was loaded from, unless the
 * live package moved on without touching the form data (documents only).
 */
import { describe, expect, it } from 'vitest';
import { FormDataSchema } from '../../src/domain/index.js';
import type { PackageView } from '../../web/src/api/types.js';
import { loadedFrom, versionToSend } from '../../web/src/form/loaded-version.js';

const form = FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY', submissionDescription: 'As loaded' });

/** Only what versionToSend reads of a package: its version and current form data. */
const pkg = (version: number, formData = form) =>
  ({ version, revisions: [{ formData }] }) as unknown as PackageView;

describe('versionToSend', () => {
  const loaded = loadedFrom(pkg(4));

  it('is the loaded version while the live package has not moved', () => {
    expect(versionToSend(loaded, pkg(4))).toBe(4);
    expect(versionToSend(loaded, undefined)).toBe(4);
  });

  it('stays the loaded version when someone else changed the form data since', () => {
    expect(versionToSend(loaded, pkg(6, { ...form, submissionDescription: 'Changed elsewhere' }))).toBe(4);
  });

  it('takes the newer version when only documents changed (the form data is the same, in any key order)', () => {
    const reordered = Object.fromEntries(Object.entries(form).reverse()) as typeof form;
    expect(versionToSend(loaded, pkg(5, reordered))).toBe(5);
  });
});
