import { Table } from '@trussworks/react-uswds';
import { useState } from 'react';
import { useUserAudit } from '../api/queries.js';
import { ColumnHeads } from '../components/column-heads.js';
import { formatDateTime } from '../components/format.js';
import { Loading } from '../components/loading.js';
import { Pager } from '../components/package-table.js';
import { ProblemAlert } from '../components/problem-alert.js';

const ACTION_LABELS = { SET_DIVISION: 'Division', SET_STATE_ASSIGNMENTS: 'States' } as const;

/** Administrators: who changed which user, when, and from what to what; newest first, a page at a time. */
export function AdminAudit() {
  // The cursors of the pages before this one: Previous goes back without the server keeping state.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const trail = useUserAudit(cursor);
  return (
    <>
      <h1>User audit log</h1>
      <p className="usa-prose">Every change an administrator made to a user, newest first.</p>
      {trail.isPending && <Loading what="the audit log" />}
      {trail.isError && <ProblemAlert error={trail.error} />}
      {trail.data &&
        (trail.data.items.length === 0 ? (
          <p className="usa-prose">No administrator has changed a user yet.</p>
        ) : (
          <Table bordered fullWidth className="carepack-table">
            <caption>User changes, page {cursors.length}</caption>
            <ColumnHeads names={['When', 'By', 'User', 'What', 'Change']} />
            <tbody>
              {trail.data.items.map((e) => (
                <tr key={e.id}>
                  <th scope="row">
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </th>
                  <td>{e.actor.email}</td>
                  <td>{e.after.email}</td>
                  <td>{ACTION_LABELS[e.action]}</td>
                  <td>{e.summary}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        ))}
      <Pager
        page={cursors.length}
        hasNext={Boolean(trail.data?.cursor)}
        onNext={() => setCursors((c) => [...c, trail.data?.cursor])}
        onPrevious={() => setCursors((c) => c.slice(0, -1))}
      />
    </>
  );
}
