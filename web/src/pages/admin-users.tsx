import { CMS_DIVISIONS } from '@carepack/domain/reference.js';
import {
  Button,
  ButtonGroup,
  Checkbox,
  Fieldset,
  Label,
  Select,
  Table,
  TextInput,
} from '@trussworks/react-uswds';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useChangeUser } from '../api/mutations.js';
import { useStates, useUsers } from '../api/queries.js';
import type { CmsDivision, ListUsersQuery, State, User } from '../api/types.js';
import { ColumnHeads } from '../components/column-heads.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { DIVISION_NAMES } from '../components/questions.js';
import { useDebounced } from '../components/use-debounced.js';
import { FilterSelect } from './list-filters.js';

const ROLE_LABELS = { STATE_USER: 'State user', CMS_USER: 'CMS user', ADMIN_USER: 'Administrator' } as const;
const ROLES = Object.keys(ROLE_LABELS) as (keyof typeof ROLE_LABELS)[];

const fullName = (u: User) => `${u.givenName} ${u.familyName}`;
const statesOf = (u: User) =>
  u.role === 'STATE_USER' ? [u.stateCode] : u.role === 'CMS_USER' ? (u.stateAssignments ?? []) : [];

/**
 * Administrators: every user, found by name or email, role and state (kept in the URL), and a
 * CMS user's division and assigned states edited in place; each change lands in the audit log.
 */
export function AdminUsers() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim());
  const role = params.get('role') ?? '';
  const stateCode = params.get('state') ?? '';
  const setParam = (name: string, value: string) =>
    setParams(
      (p) => {
        if (value) p.set(name, value);
        else p.delete(name);
        return p;
      },
      { replace: true },
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search goes to the URL
  useEffect(() => setParam('q', q), [q]);

  const query: ListUsersQuery = {
    ...(q ? { q } : {}),
    ...(role ? { role: role as keyof typeof ROLE_LABELS } : {}),
    ...(stateCode ? { stateCode } : {}),
  };
  const list = useUsers(query);
  const states = useStates();
  const [editing, setEditing] = useState<User | undefined>();
  const [saved, setSaved] = useState<User | undefined>();

  return (
    <>
      <h1>Users</h1>
      <search className="carepack-filters margin-y-2" aria-label="Find users">
        <div className="usa-form-group">
          <Label htmlFor="user-search">Name or email</Label>
          <TextInput
            id="user-search"
            name="q"
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <FilterSelect
          id="filter-role"
          label="Role"
          value={role}
          onChange={(v) => setParam('role', v)}
          all="All roles"
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
        <FilterSelect
          id="filter-state"
          label="State"
          value={stateCode}
          onChange={(v) => setParam('state', v)}
          all="All states"
          options={(states.data ?? []).map((s) => ({ value: s.code, label: `${s.code} – ${s.name}` }))}
        />
      </search>
      {saved && (
        <Notice type="success" level="h2" heading="Saved" role="status" data-testid="user-saved">
          {fullName(saved)}’s division and states are saved and recorded in the audit log.
        </Notice>
      )}
      {list.isPending && <Loading what="users" />}
      {list.isError && <ProblemAlert error={list.error} />}
      {list.data && (
        <>
          <p className="usa-prose" aria-live="polite" data-testid="user-count">
            {list.data.total === list.data.items.length
              ? `${list.data.total} ${list.data.total === 1 ? 'user' : 'users'}`
              : `The first ${list.data.items.length} of ${list.data.total} users: narrow the search to see the others.`}
          </p>
          {list.data.items.length > 0 && (
            <Table bordered fullWidth className="carepack-table">
              <caption>Users by email</caption>
              <ColumnHeads names={['Name', 'Email', 'Role', 'Division', 'States']} action />
              <tbody>
                {list.data.items.map((u) => (
                  <tr key={u.id}>
                    <th scope="row">{fullName(u)}</th>
                    <td>{u.email}</td>
                    <td>{ROLE_LABELS[u.role]}</td>
                    <td>{u.role === 'CMS_USER' ? (u.division ?? 'None') : '—'}</td>
                    <td>{statesOf(u).join(', ') || (u.role === 'CMS_USER' ? 'None' : '—')}</td>
                    <td>
                      {u.role === 'CMS_USER' && (
                        <Button
                          type="button"
                          unstyled
                          onClick={() => {
                            setSaved(undefined);
                            setEditing(u);
                          }}
                        >
                          Edit<span className="usa-sr-only"> {fullName(u)}</span>
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </>
      )}
      {editing && (
        <EditCmsUser
          key={editing.id}
          user={editing}
          states={states.data ?? []}
          onDone={(after) => {
            setEditing(undefined);
            if (after) setSaved(after);
          }}
        />
      )}
    </>
  );
}

/** A CMS user's division and assigned states, saved together (each a record of its own). */
function EditCmsUser({
  user,
  states,
  onDone,
}: {
  user: User;
  states: readonly State[];
  onDone: (after?: User) => void;
}) {
  const cms = user.role === 'CMS_USER' ? user : undefined;
  const [division, setDivision] = useState<string>(cms?.division ?? '');
  const [chosen, setChosen] = useState<Set<string>>(new Set(cms?.stateAssignments ?? []));
  const change = useChangeUser();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const toggle = (code: string, on: boolean) =>
    setChosen((was) => {
      const next = new Set(was);
      if (on) next.add(code);
      else next.delete(code);
      return next;
    });
  const save = async () => {
    try {
      const after = await change.mutateAsync({
        user,
        division: division ? (division as CmsDivision) : null,
        stateCodes: [...chosen],
      });
      onDone(after);
    } catch {
      // Shown by the alert below.
    }
  };

  return (
    <section className="margin-y-4 border-top padding-top-2" aria-labelledby="edit-user-heading">
      <h2 id="edit-user-heading" ref={heading} tabIndex={-1}>
        Edit {fullName(user)}
      </h2>
      {change.isError && <ProblemAlert error={change.error} heading="The change was not saved" />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="usa-form-group">
          <Label htmlFor="edit-division">Division</Label>
          <Select
            id="edit-division"
            name="division"
            value={division}
            onChange={(e) => setDivision(e.target.value)}
          >
            <option value="">None (reads, does not ask questions)</option>
            {CMS_DIVISIONS.map((d) => (
              <option key={d} value={d}>
                {d} – {DIVISION_NAMES[d]}
              </option>
            ))}
          </Select>
        </div>
        <Fieldset legend="Assigned states" className="margin-top-3">
          <p className="usa-hint" id="states-hint">
            The user gets the emails of these states’ packages. {chosen.size} chosen.
          </p>
          <div className="carepack-state-choices">
            {states.map((s) => (
              <Checkbox
                key={s.code}
                id={`assign-${s.code}`}
                name="stateCodes"
                value={s.code}
                label={`${s.code} – ${s.name}`}
                checked={chosen.has(s.code)}
                onChange={(e) => toggle(s.code, e.target.checked)}
              />
            ))}
          </div>
        </Fieldset>
        <ButtonGroup className="margin-top-3">
          <Button type="submit" disabled={change.isPending}>
            Save
          </Button>
          <Button type="button" outline onClick={() => onDone()}>
            Cancel
          </Button>
        </ButtonGroup>
      </form>
    </section>
  );
}
