import { Link, useLocation } from 'react-router';
import { useStateInfo, useStates } from '../api/queries.js';
import type { User } from '../api/types.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { PackageTable, Pager } from '../components/package-table.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { ExportCsvLink, ListFilters } from './list-filters.js';
import { usePagedList } from './use-paged-list.js';

export function StateDashboard({ user }: { user: Extract<User, { role: 'STATE_USER' }> }) {
  const states = useStates();
  const state = useStateInfo(user.stateCode);
  const { filters, setFilter, list, page, next, previous } = usePagedList();
  const banner = (useLocation().state as { banner?: string } | null)?.banner;
  return (
    <>
      {banner && (
        <Notice type="success" level="h2" heading="Done" role="status" className="margin-top-2">
          {banner}
        </Notice>
      )}
      <div className="display-flex flex-justify flex-align-center flex-wrap">
        <h1>{state ? `${state.name} submissions` : 'Submissions'}</h1>
        <div>
          <ExportCsvLink filters={filters} />
          <Link className="usa-button" to="/packages/new">
            Start new submission
          </Link>
        </div>
      </div>
      <ListFilters filters={filters} setFilter={setFilter} programsOf={state} />
      {list.isPending && <Loading what="packages" />}
      {list.isError && <ProblemAlert error={list.error} />}
      {list.data &&
        (list.data.items.length === 0 ? (
          <p className="usa-prose" data-testid="no-packages">
            {page === 1 && Object.keys(filters).length === 0
              ? 'No submissions yet. Start one with "Start new submission".'
              : 'No packages match these filters.'}
          </p>
        ) : (
          <PackageTable
            items={list.data.items}
            states={states.data}
            side="state"
            caption={`${user.stateCode} packages, page ${page}`}
          />
        ))}
      <Pager page={page} hasNext={Boolean(list.data?.cursor)} onNext={next} onPrevious={previous} />
    </>
  );
}
