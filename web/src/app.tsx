import { useQueryClient } from '@tanstack/react-query';
import { GridContainer } from '@trussworks/react-uswds';
import { useEffect, useRef, useState } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { onSignedOut } from './api/client.js';
import { keys, useMe } from './api/queries.js';
import { Layout } from './components/layout.js';
import { Loading } from './components/loading.js';
import { AdminAssignments } from './pages/admin-assignments.js';
import { AdminAudit } from './pages/admin-audit.js';
import { AdminUsers } from './pages/admin-users.js';
import { CmsDashboard } from './pages/cms-dashboard.js';
import { ErrorPage } from './pages/error-page.js';
import { PackageDetail } from './pages/package-detail.js';
import { PackageEditor } from './pages/package-editor.js';
import { RatePage } from './pages/rate-page.js';
import { RatesDashboard } from './pages/rates-dashboard.js';
import { SignIn } from './pages/sign-in.js';
import { StateDashboard } from './pages/state-dashboard.js';

/** User administration: administrators only (the server refuses everyone else anyway). */
const ADMIN_PAGES = [
  ['/admin/users', <AdminUsers key="users" />],
  ['/admin/assignments', <AdminAssignments key="assignments" />],
  ['/admin/audit', <AdminAudit key="audit" />],
] as const;

export function App() {
  const me = useMe();
  const location = useLocation();
  const client = useQueryClient();

  // The server ended the session (expiry, sign-out in another tab): the sign-in page says so —
  // but only when this page had a session to lose, not on a first visit (whose /me is a 401 too).
  const [sessionEnded, setSessionEnded] = useState(false);
  const hadSession = useRef(false);
  useEffect(
    () =>
      onSignedOut(() => {
        if (hadSession.current) setSessionEnded(true);
        client.setQueryData(keys.me, null);
      }),
    [client],
  );
  const signedIn = Boolean(me.data);
  useEffect(() => {
    if (!signedIn) return;
    hadSession.current = true;
    setSessionEnded(false);
  }, [signedIn]);

  if (me.isPending)
    return (
      <Layout user={null}>
        <Loading what="Carepack" />
      </Layout>
    );
  if (me.isError) {
    return (
      <Layout user={null}>
        <ErrorPage kind="unavailable" />
      </Layout>
    );
  }
  const user = me.data;
  if (!user) {
    return (
      <Layout user={null}>
        <Routes>
          <Route path="/signin" element={<SignIn />} />
          <Route
            path="*"
            element={
              <Navigate
                to={`/signin?${sessionEnded ? 'expired=1&' : ''}returnTo=${encodeURIComponent(location.pathname + location.search)}`}
                replace
              />
            }
          />
        </Routes>
      </Layout>
    );
  }
  return (
    <Layout user={user}>
      <GridContainer>
        <Routes>
          <Route
            path="/"
            element={user.role === 'STATE_USER' ? <StateDashboard user={user} /> : <CmsDashboard />}
          />
          <Route
            path="/packages/new"
            element={
              user.role === 'STATE_USER' ? <PackageEditor user={user} /> : <ErrorPage kind="forbidden" />
            }
          />
          <Route
            path="/packages/:id/edit/:step"
            element={
              user.role === 'STATE_USER' ? <PackageEditor user={user} /> : <ErrorPage kind="forbidden" />
            }
          />
          <Route path="/packages/:id" element={<PackageDetail user={user} />} />
          <Route
            path="/rates"
            element={user.role === 'STATE_USER' ? <ErrorPage kind="forbidden" /> : <RatesDashboard />}
          />
          <Route path="/rates/:id" element={<RatePage user={user} />} />
          {ADMIN_PAGES.map(([path, page]) => (
            <Route
              key={path}
              path={path}
              element={user.role === 'ADMIN_USER' ? page : <ErrorPage kind="forbidden" />}
            />
          ))}
          <Route path="/signin" element={<Navigate to="/" replace />} />
          <Route path="*" element={<ErrorPage kind="not-found" />} />
        </Routes>
      </GridContainer>
    </Layout>
  );
}
