/**
 * A draft's form lists every rate the package carries, its own and linked ones (the API's
 * projection), and a save sends it back whole so field paths keep their places. A linked rate
 * is its parent's to edit: the save must send its entry exactly as the server shows it now, or
 * it is refused, so the entry is taken from the live package rather than from the form's copy,
 * which the parent may have revised since the form was loaded.
 */
import type { FormData, PackageView } from '../api/types.js';

export function withLinkedRatesAsShown(form: FormData, live: PackageView | undefined): FormData {
  const revision = live?.revisions[0];
  if (!revision) return form;
  const linked = new Set(revision.rates.filter((r) => !r.isChild).map((r) => r.rateId));
  if (linked.size === 0) return form;
  const shown = new Map(revision.formData.rateCertifications.map((r) => [r.id, r]));
  return {
    ...form,
    rateCertifications: form.rateCertifications.map((r) => (linked.has(r.id) ? (shown.get(r.id) ?? r) : r)),
  };
}
