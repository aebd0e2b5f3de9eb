import { rateCertificationName } from '@carepack/domain/naming.js';
import { Button } from '@trussworks/react-uswds';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { FormData, PackageDocument, RateFormData, RateLinkView, State } from '../api/types.js';
import {
  ACTUARIAL_FIRMS,
  CAPITATION_TYPES,
  COMMUNICATION_PREFERENCES,
  CONTRACT_EXECUTION_STATUSES,
  CONTRACT_TYPES,
  DOCUMENT_CATEGORIES,
  FEDERAL_AUTHORITIES,
  ITEMS_BEING_AMENDED,
  labelOf,
  MANAGED_CARE_ENTITIES,
  MEDICAID_POPULATION_OPTIONS,
  MODIFIED_PROVISION_OPTIONS,
  POPULATIONS_COVERED,
  RATE_TYPES,
  SUBMISSION_TYPES,
  yesNoLabel,
} from '../form/labels.js';
import { formatSize } from './format.js';
import { newerRevisionNote, ratesById } from './rate-links.js';
import { ScanTag, StatusTag } from './status-tag.js';

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="margin-bottom-1">
      <dt className="text-bold">{term}</dt>
      <dd className="margin-left-0">{children || '—'}</dd>
    </div>
  );
}

const many = (list: readonly { value: string; label: string }[], values: readonly string[]) =>
  values.map((v) => labelOf(list, v)).join('; ');

type Level = 'h2' | 'h3' | 'h4';

function Section({
  title,
  editTo,
  level: Heading,
  children,
}: {
  title: string;
  editTo?: string | undefined;
  level: Level;
  children: ReactNode;
}) {
  return (
    <section className="margin-bottom-3 border-bottom-1px border-base-lighter">
      <div className="display-flex flex-justify flex-align-center">
        <Heading className="font-heading-md margin-y-1">{title}</Heading>
        {editTo && (
          <Link to={editTo} aria-label={`Edit ${title.toLowerCase()}`}>
            Edit
          </Link>
        )}
      </div>
      <dl>{children}</dl>
    </section>
  );
}

/** A rate certification's answers in one paragraph: type, programs, dates, populations, actuaries. */
export function RateFacts({
  rate: r,
  programName,
  populations,
}: {
  rate: RateFormData;
  programName: (id: string) => string;
  /** Shown for D-SNP contracts, and wherever populations were given. */
  populations: boolean;
}) {
  return (
    <>
      {labelOf(RATE_TYPES, r.rateType)}; {labelOf(CAPITATION_TYPES, r.capitationType)}; programs{' '}
      {r.rateProgramIds.map(programName).join(', ') || '—'}; rating period {r.rateDateStart ?? '?'} to{' '}
      {r.rateDateEnd ?? '?'}; certified {r.rateDateCertified ?? '?'}
      {r.rateType === 'AMENDMENT' &&
        `; effective ${r.effectiveDateStart ?? '?'} to ${r.effectiveDateEnd ?? '?'}`}
      {populations && (
        <>
          <br />
          Medicaid populations: {many(MEDICAID_POPULATION_OPTIONS, r.medicaidPopulations ?? []) || '—'}
        </>
      )}
      <br />
      Actuaries:{' '}
      {r.certifyingActuaries
        .map(
          (a) =>
            `${a.name || '?'}${a.title ? ` (${a.title})` : ''} <${a.email || '?'}>, ${a.actuarialFirm === 'OTHER' ? a.actuarialFirmOther : labelOf(ACTUARIAL_FIRMS, a.actuarialFirm)}`,
        )
        .join('; ')}
    </>
  );
}

/** Which rate it is, whose it is and where it stands, with a link to its own page. */
function RateOrigin({ rate, current }: { rate: RateLinkView | undefined; current: boolean }) {
  if (!rate) return null;
  const note = current ? newerRevisionNote(rate) : null;
  return (
    <span className="display-block margin-bottom-05" data-testid="rate-origin">
      <Link to={`/rates/${rate.rateId}`}>{rate.rateNumber}</Link> <StatusTag status={rate.status} />{' '}
      {rate.isChild ? (
        'this package’s own rate certification'
      ) : (
        <>
          linked from <Link to={`/packages/${rate.parentPackageId}`}>{rate.parentPackageName}</Link>
        </>
      )}
      {` · revision ${rate.rateRevision}`}
      {note && (
        <strong className="display-block" data-testid="newer-rate-revision">
          {note}
        </strong>
      )}
    </span>
  );
}

/** Everything a revision holds, for the review page and the package's history. */
export function RevisionSummary({
  form,
  documents,
  state,
  editBase,
  onDownload,
  rates,
  current = false,
  headingLevel = 'h2',
}: {
  /** Section headings' level, so the page's outline stays in order wherever this is shown. */
  headingLevel?: Level;
  form: FormData;
  documents: readonly PackageDocument[];
  state: State | undefined;
  /** Edit links go to `${editBase}/{step}` when given. */
  editBase?: string;
  onDownload?: (doc: PackageDocument) => void;
  /** What each rate of the revision is (the API's projection): number, parent, status. */
  rates?: readonly RateLinkView[] | undefined;
  /** The package's current revision: says when a rate it carries was submitted again since. */
  current?: boolean;
}) {
  const rateViews = ratesById(rates);
  const programName = (id: string) => state?.programs.find((p) => p.id === id)?.name ?? 'unknown program';
  const answers = form.modifiedProvisions ?? {};
  const provisions = (answer: boolean | undefined) =>
    MODIFIED_PROVISION_OPTIONS.filter((o) => answers[o.value] === answer)
      .map((o) => o.label)
      .join('; ');
  const edit = (step: string) => (editBase ? `${editBase}/${step}` : undefined);
  return (
    <div>
      <Section title="Submission details" level={headingLevel} editTo={edit('submission')}>
        <Item term="Programs">{form.programIds.map(programName).join(', ')}</Item>
        <Item term="Submission type">{labelOf(SUBMISSION_TYPES, form.submissionType)}</Item>
        <Item term="Related to COVID-19">
          {form.relatedToCovid19 === undefined ? '' : form.relatedToCovid19 ? 'Yes' : 'No'}
        </Item>
        <Item term="Description">{form.submissionDescription}</Item>
      </Section>
      <Section title="Contract details" level={headingLevel} editTo={edit('contract')}>
        <Item term="Contract action type">{labelOf(CONTRACT_TYPES, form.contractType)}</Item>
        <Item term="Contract execution status">
          {labelOf(CONTRACT_EXECUTION_STATUSES, form.contractExecutionStatus)}
        </Item>
        <Item term="Contract dates">
          {form.contractDateStart && `${form.contractDateStart} to ${form.contractDateEnd ?? '?'}`}
        </Item>
        <Item term="Managed care entities">{many(MANAGED_CARE_ENTITIES, form.managedCareEntities)}</Item>
        <Item term="Federal authorities">{many(FEDERAL_AUTHORITIES, form.federalAuthorities)}</Item>
        <Item term="Populations covered">{labelOf(POPULATIONS_COVERED, form.populationCovered)}</Item>
        <Item term="Risk-based contract">{yesNoLabel(form.riskBasedContract)}</Item>
        <Item term="D-SNP contract">{yesNoLabel(form.dsnpContract)}</Item>
        {form.contractType === 'AMENDMENT' && (
          <>
            <Item term="Provisions this amendment modifies">{provisions(true)}</Item>
            <Item term="Provisions this amendment does not modify">{provisions(false)}</Item>
            {MODIFIED_PROVISION_OPTIONS.some((o) => answers[o.value] === undefined) && (
              <Item term="Provisions not answered yet">{provisions(undefined)}</Item>
            )}
          </>
        )}
        {form.itemsBeingAmended.length > 0 && (
          // Forms before the yes/no answers listed the items being amended; such revisions keep them.
          <Item term="Items being amended (earlier form)">
            {many(ITEMS_BEING_AMENDED, form.itemsBeingAmended)}
            {form.otherItemBeingAmended ? ` (${form.otherItemBeingAmended})` : ''}
          </Item>
        )}
      </Section>
      {form.submissionType === 'CONTRACT_AND_RATES' && (
        <Section title="Rate details" level={headingLevel} editTo={edit('rates')}>
          {form.rateCertifications.map((r, i) => (
            <Item key={r.id} term={`Rate certification ${i + 1}`}>
              <RateOrigin rate={rateViews.get(r.id)} current={current} />
              {state && (
                <>
                  <strong>
                    {rateCertificationName(
                      state.code,
                      state.programs.filter((p) => r.rateProgramIds.includes(p.id)),
                      r,
                    )}
                  </strong>
                  <br />
                </>
              )}
              <RateFacts
                rate={r}
                programName={programName}
                populations={Boolean(form.dsnpContract) || (r.medicaidPopulations ?? []).length > 0}
              />
            </Item>
          ))}
          <Item term="Communication preference">
            {labelOf(COMMUNICATION_PREFERENCES, form.actuaryCommunicationPreference)}
          </Item>
        </Section>
      )}
      <Section title="Contacts" level={headingLevel} editTo={edit('contacts')}>
        {form.stateContacts.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: contacts have no identity but their place
          <Item key={i} term={`State contact ${i + 1}`}>
            {c.name} {c.title && `(${c.title})`} {c.email}
          </Item>
        ))}
      </Section>
      <Section title="Documents" level={headingLevel} editTo={edit('documents')}>
        {documents.length === 0 && <Item term="Files">None attached</Item>}
        {documents.map((d) => {
          const rateIndex = form.rateCertifications.findIndex((r) => r.id === d.rateId);
          return (
            <Item
              key={d.id}
              term={`${DOCUMENT_CATEGORIES[d.category]}${rateIndex >= 0 ? ` ${rateIndex + 1}` : ''}`}
            >
              {onDownload ? (
                <Button type="button" unstyled onClick={() => onDownload(d)}>
                  Download {d.name}
                </Button>
              ) : (
                d.name
              )}{' '}
              ({formatSize(d.size)}) <ScanTag status={d.scanStatus} />
            </Item>
          );
        })}
      </Section>
    </div>
  );
}
