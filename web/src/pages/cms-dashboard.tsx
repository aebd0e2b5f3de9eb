import { useStates } from '../api/queries.js';
import { Loading } from '../components/loading.js';
import { PackageTable, Pager } from '../components/package-table.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { ExportCsvLink, ListFilters } from './list-filters.js';
import { usePagedList } from './use-paged-list.js';

/** CMS: every submitted package of every state. */
export function CmsDashboard() {
  const states = useStates();
  const { filters, setFilter, list, page, next, previous } = usePagedList();
  const chosen = states.data?.find((s) => s.code === filters.stateCode);
  return (
    <>
      <div className="display-flex flex-justify flex-align-center flex-wrap">
        <h1>Submissions to review</h1>
        <ExportCsvLink filters={filters} />
      </div>
      <ListFilters filters={filters} setFilter={setFilter} programsOf={chosen} states={states.data ?? []} />
      {list.isPending && <Loading what="packages" />}
      {list.isError && <ProblemAlert error={list.error} />}
      {list.data &&
        (list.data.items.length === 0 ? (
          <p className="usa-prose" data-testid="no-packages">
            No submitted packages match these filters.
          </p>
        ) : (
          <PackageTable
            items={list.data.items}
            states={states.data}
            side="cms"
            caption={`Submitted packages, page ${page}`}
          />
        ))}
      <Pager page={page} hasNext={Boolean(list.data?.cursor)} onNext={next} onPrevious={previous} />
    </>
  );
}
