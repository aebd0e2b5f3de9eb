import { Link } from 'react-router';

const PAGES = {
  'not-found': {
    title: 'Page not found',
    text: 'There is no page here, or it is not shared with you. Check the address, or go back to your dashboard.',
  },
  forbidden: {
    title: 'You do not have access',
    text: 'Your account may not open this page. If you think it should, contact your Carepack administrator.',
  },
  unavailable: {
    title: 'Carepack is not reachable',
    text: 'The server did not answer. Please try again in a moment.',
  },
} as const;

/** The clear page for 403, 404 and an unreachable server. Session expiry goes to the sign-in page. */
export function ErrorPage({ kind }: { kind: keyof typeof PAGES }) {
  const page = PAGES[kind];
  return (
    <div className="usa-prose padding-y-4" data-testid={`error-${kind}`}>
      <h1>{page.title}</h1>
      <p className="usa-intro">{page.text}</p>
      <p>
        <Link className="usa-button" to="/">
          Go to the dashboard
        </Link>
      </p>
    </div>
  );
}
