import { REVIEW_STATUSES } from '@carepack/domain/review.js';
import { Label, Select } from '@trussworks/react-uswds';
import type { State } from '../api/types.js';
import { reviewStatusLabel, statusLabel } from '../components/status-tag.js';
import { packagesCsvHref } from './list-params.js';
import type { Filters, RateFilters } from './use-paged-list.js';

const STATE_STATUSES = ['DRAFT', 'SUBMITTED', 'UNLOCKED', 'RESUBMITTED'] as const;
const CMS_STATUSES = ['SUBMITTED', 'UNLOCKED', 'RESUBMITTED'] as const;
/** Rate lists hold rates submitted at least once: every status but draft. */
const RATE_STATUSES = ['SUBMITTED', 'UNLOCKED', 'RESUBMITTED', 'WITHDRAWN'] as const;

export function FilterSelect({
  id,
  label,
  value,
  onChange,
  options,
  all,
  disabled,
}: {
  id: string;
  label: string;
  value: string | undefined;
  onChange: (v: string) => void;
  options: readonly { value: string; label: string }[];
  all: string;
  disabled?: boolean;
}) {
  return (
    <div className="usa-form-group">
      <Label htmlFor={id}>{label}</Label>
      <Select
        id={id}
        name={id}
        value={value ?? ''}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </div>
  );
}

/** How a filter of a dashboard tells its list (package and rate lists name these filters alike). */
type SetFilter = (name: 'stateCode' | 'programId' | 'order', value: string) => void;

function StateFilter({
  value,
  setFilter,
  states,
}: {
  value: string | undefined;
  setFilter: SetFilter;
  states: readonly State[];
}) {
  return (
    <FilterSelect
      id="filter-state"
      label="State"
      value={value}
      onChange={(v) => setFilter('stateCode', v)}
      all="All states"
      options={states.map((s) => ({ value: s.code, label: `${s.code} – ${s.name}` }))}
    />
  );
}

/** The chosen state's programs; disabled until a state is chosen. */
function ProgramFilter({
  value,
  setFilter,
  programsOf,
}: {
  value: string | undefined;
  setFilter: SetFilter;
  programsOf: State | undefined;
}) {
  return (
    <FilterSelect
      id="filter-program"
      label="Program"
      value={value}
      onChange={(v) => setFilter('programId', v)}
      all={programsOf ? 'All programs' : 'Choose a state first'}
      disabled={!programsOf}
      options={(programsOf?.programs ?? []).map((p) => ({ value: p.id, label: p.name }))}
    />
  );
}

function OrderFilter({ value, setFilter }: { value: string | undefined; setFilter: SetFilter }) {
  return (
    <FilterSelect
      id="filter-order"
      label="Sort by last update"
      value={value}
      onChange={(v) => setFilter('order', v)}
      all="Newest first"
      options={[{ value: 'oldest', label: 'Oldest first' }]}
    />
  );
}

/** Filters and sort order of a dashboard list; `states` given means the CMS view (every state). */
export function ListFilters({
  filters,
  setFilter,
  programsOf,
  states,
}: {
  filters: Filters;
  setFilter: (name: keyof Filters, value: string) => void;
  /** The state whose programs can be filtered on (CMS: only once a state is chosen). */
  programsOf: State | undefined;
  states?: readonly State[] | undefined;
}) {
  const statuses = states ? CMS_STATUSES : STATE_STATUSES;
  return (
    <search className="carepack-filters margin-y-2" aria-label="Filter packages">
      {states && <StateFilter value={filters.stateCode} setFilter={setFilter} states={states} />}
      <ProgramFilter value={filters.programId} setFilter={setFilter} programsOf={programsOf} />
      <FilterSelect
        id="filter-status"
        label="Submission status"
        value={filters.status}
        onChange={(v) => setFilter('status', v)}
        all="All statuses"
        options={statuses.map((s) => ({ value: s, label: statusLabel(s) }))}
      />
      <FilterSelect
        id="filter-review-status"
        label="Review status"
        value={filters.reviewStatus}
        onChange={(v) => setFilter('reviewStatus', v)}
        all="Any review status"
        options={REVIEW_STATUSES.map((s) => ({ value: s, label: reviewStatusLabel(s) }))}
      />
      <DateFilter
        id="filter-updated-from"
        label="Updated from"
        value={filters.updatedFrom}
        onChange={(v) => setFilter('updatedFrom', v)}
        max={filters.updatedTo}
      />
      <DateFilter
        id="filter-updated-to"
        label="Updated to"
        value={filters.updatedTo}
        onChange={(v) => setFilter('updatedTo', v)}
        min={filters.updatedFrom}
      />
      <OrderFilter value={filters.order} setFilter={setFilter} />
    </search>
  );
}

/** One end of the last-updated range: a whole day (UTC, as the server counts), empty for no limit. */
function DateFilter({
  id,
  label,
  value,
  onChange,
  min,
  max,
}: {
  id: string;
  label: string;
  value: string | undefined;
  onChange: (v: string) => void;
  min?: string | undefined;
  max?: string | undefined;
}) {
  return (
    <div className="usa-form-group">
      <Label htmlFor={id}>{label}</Label>
      <input
        className="usa-input"
        type="date"
        id={id}
        name={id}
        value={value ?? ''}
        {...(min ? { min } : {})}
        {...(max ? { max } : {})}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** Downloads every package the filters match (not only this page) as a CSV file. */
export function ExportCsvLink({ filters }: { filters: Filters }) {
  return (
    <a className="usa-button usa-button--outline" href={packagesCsvHref(filters)} download>
      Export CSV
    </a>
  );
}

/** CMS's rate dashboard: state, then its programs, status and order, as the package dashboards filter. */
export function RateListFilters({
  filters,
  setFilter,
  states,
}: {
  filters: RateFilters;
  setFilter: (name: keyof RateFilters, value: string) => void;
  states: readonly State[];
}) {
  const programsOf = states.find((s) => s.code === filters.stateCode);
  return (
    <search className="carepack-filters margin-y-2" aria-label="Filter rate certifications">
      <StateFilter value={filters.stateCode} setFilter={setFilter} states={states} />
      <ProgramFilter value={filters.programId} setFilter={setFilter} programsOf={programsOf} />
      <FilterSelect
        id="filter-status"
        label="Rate status"
        value={filters.status}
        onChange={(v) => setFilter('status', v)}
        all="All statuses"
        options={RATE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
      />
      <OrderFilter value={filters.order} setFilter={setFilter} />
    </search>
  );
}
