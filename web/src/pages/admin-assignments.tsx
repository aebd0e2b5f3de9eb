import { Table, Tag } from '@trussworks/react-uswds';
import { Link } from 'react-router';
import { useAssignments } from '../api/queries.js';
import { ColumnHeads } from '../components/column-heads.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { ProblemAlert } from '../components/problem-alert.js';

/**
 * Administrators: every state with the CMS analysts assigned to it. A state nobody is assigned
 * to is flagged: only the review list hears of its packages.
 */
export function AdminAssignments() {
  const assignments = useAssignments();
  return (
    <>
      <h1>State assignments</h1>
      {assignments.isPending && <Loading what="state assignments" />}
      {assignments.isError && <ProblemAlert error={assignments.error} />}
      {assignments.data && (
        <>
          {assignments.data.unassignedCount > 0 ? (
            <Notice
              type="warning"
              level="h2"
              heading="States without an analyst"
              data-testid="unassigned-summary"
            >
              {assignments.data.unassignedCount} of {assignments.data.states.length} states have no CMS
              analyst assigned: only the review list hears of their packages.{' '}
              <Link to="/admin/users?role=CMS_USER">Assign analysts on the users page.</Link>
            </Notice>
          ) : (
            <p className="usa-prose">Every state has at least one CMS analyst.</p>
          )}
          <Table bordered fullWidth className="carepack-table">
            <caption>CMS analysts by state</caption>
            <ColumnHeads names={['State', 'Analysts']} />
            <tbody>
              {assignments.data.states.map((s) => (
                <tr key={s.code} data-testid={`assignment-${s.code}`}>
                  <th scope="row">
                    {s.code} – {s.name}
                  </th>
                  <td>
                    {s.unassigned ? (
                      <Tag className="bg-secondary-dark">No analyst</Tag>
                    ) : (
                      <ul className="usa-list usa-list--unstyled">
                        {s.analysts.map((a) => (
                          <li key={a.id}>
                            {a.givenName} {a.familyName} ({a.email})
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </>
  );
}
