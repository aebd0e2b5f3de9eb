import { Button, GridContainer, Table } from '@trussworks/react-uswds';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useDevLogin } from '../api/mutations.js';
import { useAuthConfig, useDevUsers } from '../api/queries.js';
import { safeReturnTo } from '../api/return-to.js';
import type { User } from '../api/types.js';
import { ColumnHeads } from '../components/column-heads.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { roleLabel } from '../form/labels.js';

/** The callback's `?error=` codes, in words (the reason itself is in the server log). */
const OIDC_ERRORS: Record<string, string> = {
  expired: 'The sign-in took too long. Please try again.',
  state: 'The sign-in was started in another window or tab. Please try again here.',
  idp: 'Your agency’s sign-in service did not sign you in.',
  token: 'Carepack could not complete the sign-in with your agency’s service. Please try again.',
  invalid_token: 'The sign-in answer could not be verified. Please try again.',
  claims: 'Your account has no Carepack role (or no state). Ask your administrator for access.',
  server: 'Something went wrong on our side. Please try again in a moment.',
};

function DevLogin({ returnTo }: { returnTo: string }) {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const users = useDevUsers();
  const devLogin = useDevLogin();
  const signIn = async (user: User) => {
    setError(null);
    try {
      await devLogin.mutateAsync(user.id);
      navigate(returnTo, { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  if (users.isPending) return <Loading what="demo users" />;
  if (users.isError) return <ProblemAlert error={users.error} />;
  return (
    <>
      <ProblemAlert error={error} heading="Could not sign in" />
      <p className="usa-intro">Development sign-in: choose a demo user.</p>
      <Table bordered fullWidth>
        <caption>Demo users</caption>
        <ColumnHeads names={['Name', 'Email', 'Role']} action />
        <tbody>
          {users.data.map((u) => (
            <tr key={u.id}>
              <th scope="row">
                {u.givenName} {u.familyName}
              </th>
              <td>{u.email}</td>
              <td>{roleLabel(u)}</td>
              <td>
                <Button
                  type="button"
                  onClick={() => void signIn(u)}
                  aria-label={`Sign in as ${u.givenName} ${u.familyName}`}
                >
                  Sign in
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

export function SignIn() {
  const [params] = useSearchParams();
  const config = useAuthConfig();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const oidcError = params.get('error');
  return (
    <GridContainer>
      <h1>Sign in to Carepack</h1>
      {params.get('expired') && (
        <Notice type="warning" level="h2" heading="Your session ended" data-testid="session-expired">
          You were signed out (the session expired or ended elsewhere). Sign in again to continue where you
          were.
        </Notice>
      )}
      {oidcError && (
        <Notice type="error" level="h2" heading="Sign-in failed">
          {OIDC_ERRORS[oidcError] ?? 'The identity provider sign-in did not complete. Please try again.'}
        </Notice>
      )}
      {config.isPending && <Loading what="sign-in options" />}
      {config.isError && <ProblemAlert error={config.error} />}
      {config.data?.oidc && (
        <p>
          <a
            className="usa-button usa-button--big"
            href={`/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`}
          >
            Sign in with your agency account
          </a>
        </p>
      )}
      {config.data?.devLogin && <DevLogin returnTo={returnTo} />}
      {config.data && !config.data.oidc && !config.data.devLogin && (
        <Notice type="info" level="h2" heading="Sign-in is not configured">
          Ask your administrator to configure the identity provider (CAREPACK_OIDC_* settings).
        </Notice>
      )}
    </GridContainer>
  );
}
