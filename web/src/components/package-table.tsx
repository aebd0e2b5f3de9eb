import { Button, ButtonGroup, Table, Tag } from '@trussworks/react-uswds';
import { Link } from 'react-router';
import type { PackageSummaryView, State } from '../api/types.js';
import { SUBMISSION_TYPE_LABELS } from '../form/labels.js';
import { ColumnHeads } from './column-heads.js';
import { formatDateTime } from './format.js';
import { openQuestionBadge, type Side } from './questions.js';
import { reviewStatusLabel, StatusTag, shownStatus } from './status-tag.js';

export function programNames(
  states: readonly State[] | undefined,
  stateCode: string,
  ids: readonly string[],
) {
  const programs = states?.find((s) => s.code === stateCode)?.programs ?? [];
  return ids.map((id) => programs.find((p) => p.id === id)?.name ?? 'unknown program').join(', ');
}

/** A question waits for the state: in words, on the row (not a colour alone). */
function OpenQuestionTag({ count, side }: { count: number; side: Side }) {
  const badge = openQuestionBadge(count, side);
  if (!badge) return null;
  return (
    <>
      {' '}
      <Tag className="bg-emergency text-no-wrap" data-testid="open-question-tag">
        {badge}
      </Tag>
    </>
  );
}

export function PackageTable({
  items,
  states,
  side,
  caption,
}: {
  items: readonly PackageSummaryView[];
  states: readonly State[] | undefined;
  /** CMS sees every state's packages (a State column) and waits for the state's responses. */
  side: Side;
  caption: string;
}) {
  const showState = side === 'cms';
  return (
    <div data-testid="package-table">
      <Table bordered fullWidth className="carepack-table">
        <caption>{caption}</caption>
        <ColumnHeads
          names={[
            'Name',
            ...(showState ? ['State'] : []),
            'Programs',
            'Type',
            'Status',
            'Review status',
            'Last updated',
          ]}
        />
        <tbody>
          {items.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <Link to={`/packages/${p.id}`}>{p.name}</Link>
                <OpenQuestionTag count={p.openQuestions} side={side} />
              </th>
              {showState && <td>{p.stateCode}</td>}
              <td>{programNames(states, p.stateCode, p.programIds) || '—'}</td>
              <td>{SUBMISSION_TYPE_LABELS[p.submissionType]}</td>
              <td>
                <StatusTag status={shownStatus(p)} />
              </td>
              <td>{reviewStatusLabel(p.reviewStatus)}</td>
              <td>
                <time dateTime={p.updatedAt}>{formatDateTime(p.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

/** Cursor pagination: the server hands out "next" cursors; "previous" is the stack of those used. */
export function Pager({
  page,
  hasNext,
  onPrevious,
  onNext,
}: {
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  if (page === 1 && !hasNext) return null;
  return (
    <nav aria-label="Pagination" className="margin-y-2">
      <ButtonGroup>
        <Button type="button" outline disabled={page === 1} onClick={onPrevious}>
          Previous page
        </Button>
        <span className="padding-x-2 padding-y-1" aria-live="polite">
          Page {page}
        </span>
        <Button type="button" outline disabled={!hasNext} onClick={onNext}>
          Next page
        </Button>
      </ButtonGroup>
    </nav>
  );
}
