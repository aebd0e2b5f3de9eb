/** Conversions between rate records and their rows (migration 0010). Optional fields are NULL in rows, absent in records. */
import type { Insertable, Selectable } from 'kysely';
import {
  lastSubmittedRateRevision,
  type Rate,
  type RateDocument,
  type RateRevision,
  type RateWithdrawal,
  type Role,
} from '../../domain/index.js';
import {
  actionColumns,
  actuaryColumns,
  documentColumns,
  documentFrom,
  rateFormColumns,
  rateFormFrom,
  revisionActionsFrom,
} from './postgres-rate-columns.js';
import type {
  RateDocumentsTable,
  RatePackagesTable,
  RateRevisionActuariesTable,
  RateRevisionProgramsTable,
  RateRevisionsTable,
  RatesTable,
  RateWithdrawalsTable,
} from './postgres-schema.js';

type Row<T> = Selectable<T>;

export function rateRow(rate: Rate): Insertable<RatesTable> {
  return {
    id: rate.id,
    state_code: rate.stateCode,
    state_rate_number: rate.stateRateNumber,
    parent_package_id: rate.parentPackageId,
    status: rate.status,
    version: rate.version,
    created_at: rate.createdAt,
    updated_at: rate.updatedAt,
    initially_submitted_at: rate.initiallySubmittedAt,
    revision_count: rate.revisions.length,
    // What the lists show, derived from the revisions, never taken as given.
    last_submitted_revision: lastSubmittedRateRevision(rate)?.number ?? null,
  };
}

/** A rate revision as rows to insert: its own row and the rows of each list under it. */
export interface RateRevisionRows {
  revision: Insertable<RateRevisionsTable>;
  programs: Insertable<RateRevisionProgramsTable>[];
  actuaries: Insertable<RateRevisionActuariesTable>[];
  documents: Insertable<RateDocumentsTable>[];
}

export function rateRevisionRows(rateId: string, r: RateRevision): RateRevisionRows {
  const f = r.formData;
  const rate_revision_id = r.id;
  return {
    revision: {
      id: r.id,
      rate_id: rateId,
      number: r.number,
      created_at: r.createdAt,
      ...rateFormColumns(f),
      ...actionColumns('submitted', 'submit_reason', r.submitInfo),
      ...actionColumns('unlocked', 'unlock_reason', r.unlockInfo),
      submitted_with_package_id: r.submittedWith?.packageId ?? null,
      submitted_with_package_revision: r.submittedWith?.packageRevision ?? null,
    } as Insertable<RateRevisionsTable>,
    programs: f.rateProgramIds.map((program_id, position) => ({ rate_revision_id, position, program_id })),
    actuaries: f.certifyingActuaries.map((a, position) => ({
      rate_revision_id,
      position,
      ...actuaryColumns(a),
    })),
    documents: r.documents.map((d, position) => ({ rate_revision_id, position, ...documentColumns(d) })),
  };
}

/** Withdrawal rows numbered from 1 (the oldest; the record lists them newest first), less those `written`. */
export function withdrawalRows(
  rate: Pick<Rate, 'id' | 'withdrawals'>,
  written?: ReadonlySet<string>,
): Insertable<RateWithdrawalsTable>[] {
  const count = rate.withdrawals.length;
  return rate.withdrawals.flatMap((w, index) =>
    written?.has(w.id)
      ? []
      : [
          {
            rate_id: rate.id,
            position: count - index,
            id: w.id,
            action: w.action,
            at: w.at,
            actor_id: w.by.id,
            actor_email: w.by.email,
            actor_role: w.by.role,
            reason: w.reason,
            package_ids: w.packageIds,
          },
        ],
  );
}

export const ratePackageRows = (rate: Rate): Insertable<RatePackagesTable>[] =>
  rate.packageIds.map((package_id, position) => ({
    rate_id: rate.id,
    state_code: rate.stateCode,
    position,
    package_id,
  }));

/** Every row of a rate, by table, in an order safe for inserts. */
export function allRateRows(rate: Rate) {
  const revisions = rate.revisions.map((r) => rateRevisionRows(rate.id, r));
  return {
    rates: [rateRow(rate)],
    rate_revisions: revisions.map((r) => r.revision),
    rate_revision_programs: revisions.flatMap((r) => r.programs),
    rate_revision_actuaries: revisions.flatMap((r) => r.actuaries),
    rate_documents: revisions.flatMap((r) => r.documents),
    rate_withdrawals: withdrawalRows(rate),
    rate_packages: ratePackageRows(rate),
  };
}

/** The rows of a rate (or of a page of rates), each table's rows in any order. */
export interface RateRows {
  revisions: Row<RateRevisionsTable>[];
  programs: Row<RateRevisionProgramsTable>[];
  actuaries: Row<RateRevisionActuariesTable>[];
  documents: Row<RateDocumentsTable>[];
  withdrawals: Row<RateWithdrawalsTable>[];
  packages: Row<RatePackagesTable>[];
}

function grouped<T extends { position: number }>(rows: readonly T[], key: (row: T) => string) {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  for (const list of out.values()) list.sort((a, b) => a.position - b.position);
  return out;
}

const NONE: never[] = [];

/** Rates whole from their head rows and the rows below them (of any number of rates). */
export function assembleRates(heads: readonly Row<RatesTable>[], rows: RateRows): Rate[] {
  const programs = grouped(rows.programs, (r) => r.rate_revision_id);
  const actuaries = grouped(rows.actuaries, (r) => r.rate_revision_id);
  const documents = grouped(rows.documents, (r) => r.rate_revision_id);
  const revisions = new Map<string, Row<RateRevisionsTable>[]>();
  for (const r of rows.revisions) revisions.set(r.rate_id, [...(revisions.get(r.rate_id) ?? []), r]);
  const withdrawals = grouped(rows.withdrawals, (w) => w.rate_id);
  const packages = grouped(rows.packages, (p) => p.rate_id);

  const revisionFrom = (r: Row<RateRevisionsTable>): RateRevision => {
    const f = rateFormFrom(
      r,
      (programs.get(r.id) ?? NONE).map((p) => p.program_id),
      actuaries.get(r.id) ?? NONE,
    );
    return {
      id: r.id,
      number: r.number,
      createdAt: r.created_at,
      formData: f,
      documents: (documents.get(r.id) ?? NONE).map((d) => documentFrom(d) as RateDocument),
      ...revisionActionsFrom(r),
      submittedWith:
        r.submitted_with_package_id === null
          ? null
          : { packageId: r.submitted_with_package_id, packageRevision: r.submitted_with_package_revision! },
    };
  };

  return heads.map((h) => ({
    id: h.id,
    stateCode: h.state_code,
    stateRateNumber: h.state_rate_number,
    parentPackageId: h.parent_package_id,
    status: h.status as Rate['status'],
    version: h.version,
    createdAt: h.created_at,
    updatedAt: h.updated_at,
    initiallySubmittedAt: h.initially_submitted_at,
    revisions: (revisions.get(h.id) ?? NONE).map(revisionFrom).sort((a, b) => b.number - a.number),
    packageIds: (packages.get(h.id) ?? NONE).map((p) => p.package_id),
    withdrawals: (withdrawals.get(h.id) ?? NONE)
      .map(
        (w): RateWithdrawal => ({
          id: w.id,
          action: w.action as RateWithdrawal['action'],
          at: w.at,
          by: { id: w.actor_id, email: w.actor_email, role: w.actor_role as Role },
          reason: w.reason,
          packageIds: w.package_ids,
        }),
      )
      .reverse(),
  }));
}
