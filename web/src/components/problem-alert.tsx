import { isApiError } from '../api/client.js';
import { Notice } from './notice.js';

/** A failed request, in words: the server's message, and its request id for support. */
export function ProblemAlert({ error, heading }: { error: unknown; heading?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const requestId = isApiError(error) ? error.requestId : undefined;
  return (
    <Notice type="error" level="h2" heading={heading ?? 'That did not work'} role="alert">
      {message}
      {requestId && <span className="display-block font-body-3xs">Request id: {requestId}</span>}
    </Notice>
  );
}
