import {
  Button,
  GovBanner,
  Header,
  Identifier,
  IdentifierIdentity,
  IdentifierMasthead,
  PrimaryNav,
  Title,
} from '@trussworks/react-uswds';
import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useSignOut } from '../api/mutations.js';
import type { User } from '../api/types.js';
import { roleLabel } from '../form/labels.js';

/** The administrators' pages, in the navigation of administrators only. */
const ADMIN_LINKS = [
  ['/admin/users', 'Users'],
  ['/admin/assignments', 'Assignments'],
  ['/admin/audit', 'Audit log'],
] as const;

export function Layout({ user, children }: { user: User | null; children: ReactNode }) {
  const navigate = useNavigate();
  const signOutMutation = useSignOut();
  // Both end the session on the server (with the CSRF token, as every change); "everywhere"
  // says out loud that the user's sessions in other browsers end too.
  const signOut = async (everywhere = false) => {
    await signOutMutation.mutateAsync(everywhere);
    navigate('/signin');
  };
  const items = user
    ? [
        <NavLink
          key="dashboard"
          to="/"
          end
          className={({ isActive }) => `usa-nav-link${isActive ? ' usa-current' : ''}`}
        >
          <span>{user.role === 'STATE_USER' ? 'Dashboard' : 'Submissions'}</span>
        </NavLink>,
        ...(user.role === 'STATE_USER'
          ? [
              <NavLink
                key="new"
                to="/packages/new"
                className={({ isActive }) => `usa-nav-link${isActive ? ' usa-current' : ''}`}
              >
                <span>New submission</span>
              </NavLink>,
            ]
          : [
              <NavLink
                key="rates"
                to="/rates"
                end
                className={({ isActive }) => `usa-nav-link${isActive ? ' usa-current' : ''}`}
              >
                <span className="text-no-wrap">Rate reviews</span>
              </NavLink>,
            ]),
        ...(user.role === 'ADMIN_USER'
          ? ADMIN_LINKS.map(([to, label]) => (
              <NavLink
                key={to}
                to={to}
                className={({ isActive }) => `usa-nav-link${isActive ? ' usa-current' : ''}`}
              >
                <span className="text-no-wrap">{label}</span>
              </NavLink>
            ))
          : []),
      ]
    : [];
  return (
    <>
      <a className="usa-skipnav" href="#main-content">
        Skip to main content
      </a>
      <GovBanner aria-label="Official website of the United States government" />
      <Header basic>
        <div className="usa-nav-container">
          <div className="usa-navbar">
            <Title>
              <Link to="/" title="Carepack home">
                Carepack
              </Link>
            </Title>
          </div>
          {user && (
            <div className="carepack-header-right">
              <PrimaryNav items={items} aria-label="Primary" />
              <span className="carepack-user text-no-wrap" data-testid="signed-in-as">
                {user.givenName} {user.familyName} ({roleLabel(user)})
              </span>
              <Button type="button" unstyled className="text-no-wrap" onClick={() => void signOut()}>
                Sign out
              </Button>
              <Button type="button" unstyled className="text-no-wrap" onClick={() => void signOut(true)}>
                Sign out everywhere
              </Button>
            </div>
          )}
        </div>
      </Header>
      <main id="main-content" className="carepack-main" tabIndex={-1}>
        {children}
      </main>
      <Identifier>
        <IdentifierMasthead aria-label="Agency identifier">
          <IdentifierIdentity domain="carepack">
            Carepack: managed-care contracts and rate certifications for CMS review
          </IdentifierIdentity>
        </IdentifierMasthead>
      </Identifier>
    </>
  );
}
