/**
 * The columns a rate certification's form, its actuaries and its documents share between the
 * rows of rates embedded in older package revisions (rate_certifications, migration 0001) and
 * the rows of rate records (rate_revisions, migration 0010): one mapping, both ways, so the two
 * never drift apart. Optional fields are NULL in rows and absent in records.
 */
import type {
  ActionInfo,
  Actor,
  PackageDocument,
  RateCertification,
  RateFormData,
  Role,
} from '../../domain/index.js';

type Actuary = RateFormData['certifyingActuaries'][number];

/** The form's scalar columns (its programs and actuaries are rows of their own). */
export interface RateFormColumns {
  rate_type: string | null;
  rate_date_start: string | null;
  rate_date_end: string | null;
  rate_date_certified: string | null;
  effective_date_start: string | null;
  effective_date_end: string | null;
  capitation_type: string | null;
  medicaid_populations: string[] | null;
}

export const rateFormColumns = (f: RateFormData | RateCertification): RateFormColumns => ({
  rate_type: f.rateType ?? null,
  rate_date_start: f.rateDateStart ?? null,
  rate_date_end: f.rateDateEnd ?? null,
  rate_date_certified: f.rateDateCertified ?? null,
  effective_date_start: f.effectiveDateStart ?? null,
  effective_date_end: f.effectiveDateEnd ?? null,
  capitation_type: f.capitationType ?? null,
  medicaid_populations: f.medicaidPopulations ?? null,
});

interface ActuaryColumns {
  name: string;
  title: string;
  email: string;
  actuarial_firm: string | null;
  actuarial_firm_other: string | null;
}

export const actuaryColumns = (a: Actuary): ActuaryColumns => ({
  name: a.name,
  title: a.title,
  email: a.email,
  actuarial_firm: a.actuarialFirm ?? null,
  actuarial_firm_other: a.actuarialFirmOther ?? null,
});

/** Sets `key` when the column is not NULL (optional fields are absent in records, never null). */
export function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null) {
  if (value !== null && value !== undefined) target[key] = value;
}

function actuaryFrom(a: ActuaryColumns): Actuary {
  const actuary = { name: a.name, title: a.title, email: a.email } as Actuary;
  setIf(actuary, 'actuarialFirm', a.actuarial_firm as Actuary['actuarialFirm']);
  setIf(actuary, 'actuarialFirmOther', a.actuarial_firm_other);
  return actuary;
}

/** The form back from its row, its programs' ids and its actuaries' rows (each in position order). */
export function rateFormFrom(
  row: RateFormColumns,
  programIds: readonly string[],
  actuaries: readonly ActuaryColumns[],
): RateFormData {
  const f = {} as RateFormData;
  setIf(f, 'rateType', row.rate_type as RateFormData['rateType']);
  f.rateProgramIds = [...programIds];
  setIf(f, 'rateDateStart', row.rate_date_start);
  setIf(f, 'rateDateEnd', row.rate_date_end);
  setIf(f, 'rateDateCertified', row.rate_date_certified);
  setIf(f, 'effectiveDateStart', row.effective_date_start);
  setIf(f, 'effectiveDateEnd', row.effective_date_end);
  f.certifyingActuaries = actuaries.map(actuaryFrom);
  setIf(f, 'capitationType', row.capitation_type as RateFormData['capitationType']);
  setIf(f, 'medicaidPopulations', row.medicaid_populations as RateFormData['medicaidPopulations']);
  return f;
}

/** A document's own columns (the row adds where it belongs: revision, rate, position). */
export const documentColumns = (d: Omit<PackageDocument, 'rateId'>) => ({
  id: d.id,
  name: d.name,
  bucket: d.bucket,
  key: d.key,
  size: d.size,
  content_type: d.contentType,
  sha256: d.sha256,
  category: d.category,
  added_at: d.addedAt,
  scan_status: d.scanStatus,
});

/** Who submitted or unlocked, when and why, as the five columns a revision row keeps it in. */
export function actionColumns(
  prefix: 'submitted' | 'unlocked',
  reasonColumn: string,
  info: ActionInfo | null,
) {
  return {
    [`${prefix}_at`]: info?.at ?? null,
    [`${prefix}_by_id`]: info?.by.id ?? null,
    [`${prefix}_by_email`]: info?.by.email ?? null,
    [`${prefix}_by_role`]: info?.by.role ?? null,
    [reasonColumn]: info?.reason ?? null,
  };
}

/** The five action columns back, or null when the action did not happen. */
export function actionInfo(
  at: string | null,
  id: string | null,
  email: string | null,
  role: string | null,
  reason: string | null,
): ActionInfo | null {
  if (!at || !id || !email || !role || reason === null) return null;
  const by: Actor = { id, email, role: role as Role };
  return { at, by, reason };
}

interface DocumentRow {
  id: string;
  name: string;
  bucket: string;
  key: string;
  size: number | string;
  content_type: string;
  sha256: string;
  category: string;
  added_at: string;
  scan_status: string;
}

/** A document's own fields back from its row (a package document adds its `rateId`). */
export const documentFrom = (d: DocumentRow): Omit<PackageDocument, 'rateId'> => ({
  id: d.id,
  name: d.name,
  bucket: d.bucket,
  key: d.key,
  size: Number(d.size),
  contentType: d.content_type,
  sha256: d.sha256,
  category: d.category as PackageDocument['category'],
  addedAt: d.added_at,
  scanStatus: d.scan_status as PackageDocument['scanStatus'],
});

interface RevisionActionRow {
  submitted_at: string | null;
  submitted_by_id: string | null;
  submitted_by_email: string | null;
  submitted_by_role: string | null;
  submit_reason: string | null;
  unlocked_at: string | null;
  unlocked_by_id: string | null;
  unlocked_by_email: string | null;
  unlocked_by_role: string | null;
  unlock_reason: string | null;
}

/** A revision row's submit and unlock, as the five columns `actionColumns` wrote for each. */
export const revisionActionsFrom = (r: RevisionActionRow) => ({
  submitInfo: actionInfo(
    r.submitted_at,
    r.submitted_by_id,
    r.submitted_by_email,
    r.submitted_by_role,
    r.submit_reason,
  ),
  unlockInfo: actionInfo(
    r.unlocked_at,
    r.unlocked_by_id,
    r.unlocked_by_email,
    r.unlocked_by_role,
    r.unlock_reason,
  ),
});
