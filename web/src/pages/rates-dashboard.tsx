import { Table } from '@trussworks/react-uswds';
import { Link } from 'react-router';
import { useStates } from '../api/queries.js';
import type { RateSummaryView, State } from '../api/types.js';
import { ColumnHeads } from '../components/column-heads.js';
import { formatDateTime } from '../components/format.js';
import { Loading } from '../components/loading.js';
import { Pager, programNames } from '../components/package-table.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { StatusTag } from '../components/status-tag.js';
import { RateListFilters } from './list-filters.js';
import { usePagedRates } from './use-paged-list.js';

function RateTable({
  items,
  states,
  caption,
}: {
  items: readonly RateSummaryView[];
  states: readonly State[] | undefined;
  caption: string;
}) {
  return (
    <div data-testid="rate-table">
      <Table bordered fullWidth className="carepack-table">
        <caption>{caption}</caption>
        <ColumnHeads
          names={['Rate number', 'Name', 'State', 'Programs', 'Package', 'Status', 'Last updated']}
        />
        <tbody>
          {items.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={`/rates/${r.id}`}>{r.rateNumber}</Link>
              </th>
              <td>{r.name}</td>
              <td>{r.stateCode}</td>
              <td>{programNames(states, r.stateCode, r.shown.formData.rateProgramIds) || '—'}</td>
              <td>
                <Link to={`/packages/${r.parentPackageId}`}>{r.parentPackageName}</Link>
              </td>
              <td>
                <StatusTag status={r.status} />
              </td>
              <td>
                <time dateTime={r.updatedAt}>{formatDateTime(r.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

/** CMS: every submitted rate certification of every state, filtered as the package dashboard is. */
export function RatesDashboard() {
  const states = useStates();
  const { filters, setFilter, list, page, next, previous } = usePagedRates();
  return (
    <>
      <h1>Rate certifications to review</h1>
      <RateListFilters filters={filters} setFilter={setFilter} states={states.data ?? []} />
      {list.isPending && <Loading what="rate certifications" />}
      {list.isError && <ProblemAlert error={list.error} />}
      {list.data &&
        (list.data.items.length === 0 ? (
          <p className="usa-prose" data-testid="no-rates">
            No submitted rate certifications match these filters.
          </p>
        ) : (
          <RateTable
            items={list.data.items}
            states={states.data}
            caption={`Submitted rate certifications, page ${page}`}
          />
        ))}
      <Pager page={page} hasNext={Boolean(list.data?.cursor)} onNext={next} onPrevious={previous} />
    </>
  );
}
