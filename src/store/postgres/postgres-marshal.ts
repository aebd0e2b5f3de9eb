/** Conversions between domain records and rows. Optional fields are NULL in rows and absent in records. */
import type { Insertable, Selectable } from 'kysely';
import {
  cmsFacts,
  deriveReviewStatus,
  type FormData,
  openQuestionCount,
  type Package,
  type PackageDocument,
  type PackageSummary,
  type Program,
  type QaDocument,
  type Question,
  type RateCertification,
  type ReviewAction,
  type ReviewStatus,
  type Revision,
  type Role,
  type State,
} from '../../domain/index.js';
import type { AuditEvent } from '../store.js';
import {
  actionColumns,
  actuaryColumns,
  documentColumns,
  documentFrom,
  rateFormColumns,
  rateFormFrom,
  revisionActionsFrom,
  setIf,
} from './postgres-rate-columns.js';
import type {
  AuditEventsTable,
  Database,
  DocumentsTable,
  PackagesTable,
  ProgramsTable,
  QaDocumentsTable,
  QuestionsTable,
  RateCertificationsTable,
  ReviewActionsTable,
  RevisionsTable,
} from './postgres-schema.js';

type Row<T> = Selectable<T>;

/** Timestamps arrive as ISO strings already (postgres-types.ts). */
const iso = (d: string) => d;

/** A state's programs as rows, in their order. */
export function programRows(state: State): Insertable<ProgramsTable>[] {
  return state.programs.map((p, position) => ({
    id: p.id,
    state_code: state.code,
    position,
    name: p.name,
    full_name: p.fullName,
    is_rate_program: p.isRateProgram ?? null,
  }));
}

/** A program row as the domain's program (the flag absent when it was never set). */
export function programFromRow(p: Row<ProgramsTable>): Program {
  const program: Program = { id: p.id, name: p.name, fullName: p.full_name };
  setIf(program, 'isRateProgram', p.is_rate_program);
  return program;
}

export function packageRow(pkg: Package): Insertable<PackagesTable> {
  const cms = cmsFacts(pkg);
  return {
    id: pkg.id,
    state_code: pkg.stateCode,
    state_number: pkg.stateNumber,
    status: pkg.status,
    version: pkg.version,
    created_at: pkg.createdAt,
    updated_at: pkg.updatedAt,
    initially_submitted_at: pkg.initiallySubmittedAt,
    revision_count: pkg.revisions.length,
    cms_updated_at: cms?.updatedAt ?? null,
    cms_revision_count: cms?.revisionCount ?? null,
    // Derived from the revisions and the actions, never taken from the record as given.
    review_status: deriveReviewStatus(pkg),
    // The lists' badge, read from the head they read anyway (migration 0009).
    open_questions: openQuestionCount(pkg.questions),
  };
}

/**
 * A package's review actions as rows, numbered from 1 (the oldest; the record lists them
 * newest first). `written` leaves out the actions of these ids (those already written).
 */
export function reviewActionRows(
  pkg: Pick<Package, 'id' | 'reviewActions'>,
  written?: ReadonlySet<string>,
): Insertable<ReviewActionsTable>[] {
  const count = pkg.reviewActions.length;
  const rows: Insertable<ReviewActionsTable>[] = [];
  pkg.reviewActions.forEach((a, index) => {
    if (written?.has(a.id)) return;
    rows.push({
      package_id: pkg.id,
      position: count - index,
      id: a.id,
      action: a.action,
      at: a.at,
      actor_id: a.by.id,
      actor_email: a.by.email,
      actor_role: a.by.role,
      reason: a.reason,
      released_on: a.releasedOn ?? null,
    });
  });
  return rows;
}

/** Review action rows (any order) as the record's list, newest first. */
export function reviewActionsFromRows(rows: readonly Row<ReviewActionsTable>[]): ReviewAction[] {
  return [...rows]
    .sort((a, b) => b.position - a.position)
    .map((r) => {
      const action: ReviewAction = {
        id: r.id,
        action: r.action as ReviewAction['action'],
        at: iso(r.at),
        by: { id: r.actor_id, email: r.actor_email, role: r.actor_role as Role },
        reason: r.reason,
      };
      setIf(action, 'releasedOn', r.released_on);
      return action;
    });
}

/** A question's row: its response columns NULL while it is open. */
export function questionRow(packageId: string, position: number, q: Question): Insertable<QuestionsTable> {
  return {
    id: q.id,
    package_id: packageId,
    position,
    division: q.division,
    round: q.round,
    asked_at: q.at,
    asked_by_id: q.by.id,
    asked_by_email: q.by.email,
    asked_by_role: q.by.role,
    text: q.text,
    rate_id: q.rateId ?? null,
    ...responseColumns(q),
  };
}

/** The columns a response sets on its question's row. */
export function responseColumns(q: Question) {
  const r = q.response;
  return {
    response_id: r?.id ?? null,
    responded_at: r?.at ?? null,
    responded_by_id: r?.by.id ?? null,
    responded_by_email: r?.by.email ?? null,
    responded_by_role: r?.by.role ?? null,
    response_text: r?.text ?? null,
  };
}

/**
 * Document rows of a question's list (`responseId` null) or of its response's, numbered from
 * `first`: a question's documents come first, its response's after them.
 */
export function qaDocumentRows(
  packageId: string,
  questionId: string,
  responseId: string | null,
  documents: readonly QaDocument[],
  first = 1,
): Insertable<QaDocumentsTable>[] {
  return documents.map((d, i) => ({
    package_id: packageId,
    question_id: questionId,
    response_id: responseId,
    position: first + i,
    id: d.id,
    name: d.name,
    bucket: d.bucket,
    key: d.key,
    size: d.size,
    content_type: d.contentType,
    sha256: d.sha256,
    added_at: d.addedAt,
    scan_status: d.scanStatus,
  }));
}

/** A package's questions as rows, numbered from 1 (the oldest; the record lists them newest first). */
export function questionRows(pkg: Pick<Package, 'id' | 'questions'>) {
  const count = pkg.questions.length;
  const questions: Insertable<QuestionsTable>[] = [];
  const documents: Insertable<QaDocumentsTable>[] = [];
  pkg.questions.forEach((q, index) => {
    questions.push(questionRow(pkg.id, count - index, q));
    documents.push(...qaDocumentRows(pkg.id, q.id, null, q.documents));
    if (q.response)
      documents.push(
        ...qaDocumentRows(pkg.id, q.id, q.response.id, q.response.documents, q.documents.length + 1),
      );
  });
  return { questions, documents };
}

const qaDocumentFrom = (d: Row<QaDocumentsTable>): QaDocument => ({
  id: d.id,
  name: d.name,
  bucket: d.bucket,
  key: d.key,
  size: Number(d.size),
  contentType: d.content_type,
  sha256: d.sha256,
  addedAt: iso(d.added_at),
  scanStatus: d.scan_status as QaDocument['scanStatus'],
});

/** Question rows and their documents' rows (any order) as the record's list, newest first. */
export function questionsFromRows(
  rows: readonly Row<QuestionsTable>[],
  documentRows: readonly Row<QaDocumentsTable>[],
): Question[] {
  const documents = groupBy(documentRows, (d) => d.question_id);
  return [...rows]
    .sort((a, b) => b.position - a.position)
    .map((r) => {
      const docs = documents.get(r.id) ?? EMPTY;
      const question = {
        id: r.id,
        division: r.division as Question['division'],
        round: r.round,
        at: iso(r.asked_at),
        by: { id: r.asked_by_id, email: r.asked_by_email, role: r.asked_by_role as Role },
        text: r.text,
      } as Question;
      setIf(question, 'rateId', r.rate_id);
      question.documents = docs.filter((d) => d.response_id === null).map(qaDocumentFrom);
      question.response =
        r.response_id === null
          ? null
          : {
              id: r.response_id,
              at: iso(r.responded_at!),
              by: { id: r.responded_by_id!, email: r.responded_by_email!, role: r.responded_by_role as Role },
              text: r.response_text!,
              documents: docs.filter((d) => d.response_id !== null).map(qaDocumentFrom),
            };
      return question;
    });
}

/** Each list under a revision, by the name the marshal gives it, and the table that holds it. */
export const CHILD_TABLES = {
  programs: 'revision_programs',
  contacts: 'state_contacts',
  rates: 'rate_certifications',
  ratePrograms: 'rate_programs',
  actuaries: 'certifying_actuaries',
  documents: 'documents',
  links: 'rate_links',
} as const satisfies Record<string, keyof Database>;
type ChildList = keyof typeof CHILD_TABLES;
type ChildTable<K extends ChildList> = Database[(typeof CHILD_TABLES)[K]];

/** A revision as rows to insert: its own row and the rows of each list under it. */
export type RevisionRows = { revision: Insertable<RevisionsTable> } & {
  [K in ChildList]: Insertable<ChildTable<K>>[];
};

type ModifiedProvisions = NonNullable<FormData['modifiedProvisions']>;

/** Yes/no answers per provision as two sets: the provisions answered yes, those answered no. */
export function provisionColumns(answers: ModifiedProvisions | undefined) {
  if (!answers) return { modified_provisions: null, unmodified_provisions: null };
  const entries = Object.entries(answers) as [keyof ModifiedProvisions, boolean][];
  return {
    modified_provisions: entries.filter(([, yes]) => yes).map(([provision]) => provision),
    unmodified_provisions: entries.filter(([, yes]) => !yes).map(([provision]) => provision),
  };
}

function provisionsFrom(modified: string[] | null, unmodified: string[] | null): ModifiedProvisions | null {
  if (modified === null || unmodified === null) return null;
  const answers: Record<string, boolean> = {};
  for (const provision of modified) answers[provision] = true;
  for (const provision of unmodified) answers[provision] = false;
  return answers as ModifiedProvisions;
}

/** A revision's rows; the package's state code goes into its rate links (same-state foreign keys). */
export function revisionRows(pkg: Pick<Package, 'id' | 'stateCode'>, r: Revision): RevisionRows {
  const f = r.formData;
  const revision_id = r.id;
  const packageId = pkg.id;
  return {
    revision: {
      id: r.id,
      package_id: packageId,
      number: r.number,
      created_at: r.createdAt,
      submission_type: f.submissionType,
      submission_description: f.submissionDescription,
      contract_type: f.contractType ?? null,
      contract_date_start: f.contractDateStart ?? null,
      contract_date_end: f.contractDateEnd ?? null,
      managed_care_entities: f.managedCareEntities,
      federal_authorities: f.federalAuthorities,
      items_being_amended: f.itemsBeingAmended,
      other_item_being_amended: f.otherItemBeingAmended ?? null,
      related_to_covid19: f.relatedToCovid19 ?? null,
      actuary_communication_preference: f.actuaryCommunicationPreference ?? null,
      population_covered: f.populationCovered ?? null,
      risk_based_contract: f.riskBasedContract ?? null,
      contract_execution_status: f.contractExecutionStatus ?? null,
      dsnp_contract: f.dsnpContract ?? null,
      ...provisionColumns(f.modifiedProvisions),
      ...actionColumns('submitted', 'submit_reason', r.submitInfo),
      ...actionColumns('unlocked', 'unlock_reason', r.unlockInfo),
    } as Insertable<RevisionsTable>,
    programs: f.programIds.map((program_id, position) => ({ revision_id, position, program_id })),
    contacts: f.stateContacts.map((c, position) => ({ revision_id, position, ...c })),
    rates: f.rateCertifications.map((rc, position) => ({
      revision_id,
      id: rc.id,
      position,
      ...rateFormColumns(rc),
    })),
    ratePrograms: f.rateCertifications.flatMap((rc) =>
      rc.rateProgramIds.map((program_id, position) => ({
        revision_id,
        rate_id: rc.id,
        position,
        program_id,
      })),
    ),
    actuaries: f.rateCertifications.flatMap((rc) =>
      rc.certifyingActuaries.map((a, position) => ({
        revision_id,
        rate_id: rc.id,
        position,
        ...actuaryColumns(a),
      })),
    ),
    documents: r.documents.map((d, position) => ({
      revision_id,
      position,
      ...documentColumns(d),
      rate_id: d.rateId ?? null,
    })),
    links: r.rateLinks.map((l, position) => ({
      revision_id,
      package_id: packageId,
      state_code: pkg.stateCode,
      position,
      rate_id: l.rateId,
      rate_revision: l.rateRevision,
    })),
  };
}

/** The rows of a package's revisions, read in one pass per table. */
export type ChildRows = { [K in ChildList]: Row<ChildTable<K>>[] };

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  for (const list of out.values())
    list.sort((a, b) => (a as { position: number }).position - (b as { position: number }).position);
  return out;
}

/** Child rows grouped by revision (and rate): built once per page of packages, not once per package. */
export function groupChildRows(c: ChildRows) {
  return {
    programs: groupBy(c.programs, (r) => r.revision_id),
    contacts: groupBy(c.contacts, (r) => r.revision_id),
    rates: groupBy(c.rates, (r) => r.revision_id),
    ratePrograms: groupBy(c.ratePrograms, (r) => `${r.revision_id}/${r.rate_id}`),
    actuaries: groupBy(c.actuaries, (r) => `${r.revision_id}/${r.rate_id}`),
    documents: groupBy(c.documents, (r) => r.revision_id),
    links: groupBy(c.links, (r) => r.revision_id),
  };
}
export type GroupedChildRows = ReturnType<typeof groupChildRows>;

const EMPTY: never[] = [];

export function assemblePackage(
  head: Row<PackagesTable>,
  revisions: Row<RevisionsTable>[],
  grouped: GroupedChildRows,
  actions: readonly Row<ReviewActionsTable>[],
  questions: readonly Row<QuestionsTable>[],
  qaDocuments: readonly Row<QaDocumentsTable>[],
): Package {
  const { programs, contacts, rates, ratePrograms, actuaries, documents, links } = grouped;

  const rateFrom = (revisionId: string, rc: Row<RateCertificationsTable>): RateCertification => {
    const key = `${revisionId}/${rc.id}`;
    const form = rateFormFrom(
      rc,
      (ratePrograms.get(key) ?? EMPTY).map((p) => p.program_id),
      actuaries.get(key) ?? EMPTY,
    );
    return { id: rc.id, ...form };
  };

  const packageDocumentFrom = (d: Row<DocumentsTable>): PackageDocument => {
    const doc: PackageDocument = documentFrom(d);
    setIf(doc, 'rateId', d.rate_id);
    return doc;
  };

  const revisionFrom = (r: Row<RevisionsTable>): Revision => {
    const f = {
      submissionType: r.submission_type,
      programIds: (programs.get(r.id) ?? EMPTY).map((p) => p.program_id),
      submissionDescription: r.submission_description,
    } as FormData;
    setIf(f, 'contractType', r.contract_type as FormData['contractType']);
    setIf(f, 'contractDateStart', r.contract_date_start);
    setIf(f, 'contractDateEnd', r.contract_date_end);
    f.managedCareEntities = r.managed_care_entities as FormData['managedCareEntities'];
    f.federalAuthorities = r.federal_authorities as FormData['federalAuthorities'];
    f.itemsBeingAmended = r.items_being_amended as FormData['itemsBeingAmended'];
    setIf(f, 'otherItemBeingAmended', r.other_item_being_amended);
    setIf(f, 'relatedToCovid19', r.related_to_covid19);
    setIf(f, 'populationCovered', r.population_covered as FormData['populationCovered']);
    setIf(f, 'riskBasedContract', r.risk_based_contract);
    setIf(f, 'contractExecutionStatus', r.contract_execution_status as FormData['contractExecutionStatus']);
    setIf(f, 'dsnpContract', r.dsnp_contract);
    setIf(f, 'modifiedProvisions', provisionsFrom(r.modified_provisions, r.unmodified_provisions));
    f.rateCertifications = (rates.get(r.id) ?? EMPTY).map((rc) => rateFrom(r.id, rc));
    f.stateContacts = (contacts.get(r.id) ?? EMPTY).map((s) => ({
      name: s.name,
      title: s.title,
      email: s.email,
    }));
    setIf(
      f,
      'actuaryCommunicationPreference',
      r.actuary_communication_preference as FormData['actuaryCommunicationPreference'],
    );
    return {
      id: r.id,
      number: r.number,
      createdAt: iso(r.created_at),
      formData: f,
      documents: (documents.get(r.id) ?? EMPTY).map(packageDocumentFrom),
      ...revisionActionsFrom(r),
      rateLinks: (links.get(r.id) ?? EMPTY).map((l) => ({
        rateId: l.rate_id,
        rateRevision: l.rate_revision,
      })),
    };
  };

  const pkg: Package = headFields(head) as Package;
  pkg.revisions = revisions.map(revisionFrom).sort((a, b) => b.number - a.number);
  pkg.reviewActions = actions.length === 0 ? [] : reviewActionsFromRows(actions);
  pkg.questions = questions.length === 0 ? [] : questionsFromRows(questions, qaDocuments);
  // As written with the head (domain deriveReviewStatus), so a package and its summary agree.
  pkg.reviewStatus = head.review_status as ReviewStatus | null;
  return pkg;
}

function headFields(h: Row<PackagesTable>) {
  return {
    id: h.id,
    stateCode: h.state_code,
    stateNumber: h.state_number,
    status: h.status as Package['status'],
    version: h.version,
    createdAt: iso(h.created_at),
    updatedAt: iso(h.updated_at),
    initiallySubmittedAt: h.initially_submitted_at ? iso(h.initially_submitted_at) : null,
  };
}

export type SummaryRow = Row<PackagesTable> & { submission_type: string; program_ids: string[] | null };

export function summaryFromRow(r: SummaryRow): PackageSummary {
  // Added property by property: spreading then extending an object is a slow path in V8.
  const summary = headFields(r) as PackageSummary;
  summary.revisionCount = r.revision_count;
  summary.submissionType = r.submission_type as PackageSummary['submissionType'];
  summary.programIds = r.program_ids ?? [];
  summary.reviewStatus = r.review_status as ReviewStatus | null;
  summary.openQuestions = r.open_questions;
  return summary;
}

/** A row of SQL.cmsSummaries: the head as CMS sees it, dated by its last submit, unlock or resubmit. */
export function cmsSummaryFromRow(r: SummaryRow): PackageSummary {
  const summary = summaryFromRow(r);
  summary.updatedAt = iso(r.cms_updated_at!);
  summary.revisionCount = r.cms_revision_count!;
  return summary;
}

export function auditRow(e: AuditEvent): Insertable<AuditEventsTable> {
  return {
    id: e.id,
    package_id: e.packageId,
    at: e.at,
    actor_id: e.actor.id,
    actor_email: e.actor.email,
    actor_role: e.actor.role,
    actor_client_id: e.actor.clientId ?? null,
    action: e.action,
    summary: e.summary,
  };
}

export function auditFromRow(r: Row<AuditEventsTable>): AuditEvent {
  return {
    id: r.id,
    packageId: r.package_id,
    at: iso(r.at),
    actor: {
      id: r.actor_id,
      email: r.actor_email,
      role: r.actor_role as Role,
      ...(r.actor_client_id ? { clientId: r.actor_client_id } : {}),
    },
    action: r.action as AuditEvent['action'],
    summary: r.summary,
  };
}
