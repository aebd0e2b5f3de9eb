/**
 * A rate certification this package carries but another package owns: read-only here (its
 * parent edits it), with what it is, where it comes from, its status, and an Unlink button.
 */
import { Button } from '@trussworks/react-uswds';
import { useState } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../api/client.js';
import type { FieldError, RateLinkView } from '../api/types.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { newerRevisionNote } from '../components/rate-links.js';
import { StatusTag } from '../components/status-tag.js';
import { fieldId, messagesUnder } from '../form/fields.js';

export function LinkedRate({
  rate,
  index,
  at,
  errors,
  onUnlink,
  onLoadLatest,
}: {
  rate: RateLinkView;
  index: number;
  /** The form path of its entry (`formData.rateCertifications.i`): rule errors about it land here. */
  at: string;
  errors: readonly FieldError[];
  /** Takes it off this package; throws the API's refusal. */
  onUnlink: () => Promise<void>;
  onLoadLatest: () => Promise<void>;
}) {
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const messages = messagesUnder(errors, at);
  const note = newerRevisionNote(rate);
  const conflict = isApiError(failure, 409) && failure.code === 'VERSION_CONFLICT';
  const heading = `${fieldId(at)}-heading`;
  const unlink = async () => {
    setFailure(null);
    setBusy(true);
    try {
      await onUnlink();
    } catch (e) {
      setFailure(e);
      setBusy(false);
    }
  };
  return (
    <section
      id={fieldId(at)}
      tabIndex={-1}
      aria-labelledby={heading}
      className="margin-bottom-4 padding-2 border-1px border-base-lighter"
      data-testid="linked-rate"
    >
      <h2 id={heading} className="margin-top-0">
        Rate certification {index + 1}: linked
      </h2>
      <dl>
        <dt className="text-bold">Rate number</dt>
        <dd className="margin-left-0 margin-bottom-1">
          <Link to={`/rates/${rate.rateId}`}>{rate.rateNumber}</Link>
        </dd>
        <dt className="text-bold">Rate certification name</dt>
        <dd className="margin-left-0 margin-bottom-1">{rate.name}</dd>
        <dt className="text-bold">Its package</dt>
        <dd className="margin-left-0 margin-bottom-1">
          <Link to={`/packages/${rate.parentPackageId}`}>{rate.parentPackageName}</Link> (only that package
          edits it)
        </dd>
        <dt className="text-bold">Status</dt>
        <dd className="margin-left-0 margin-bottom-1">
          <StatusTag status={rate.status} />
        </dd>
      </dl>
      {note && <p className="text-bold">{note}</p>}
      {messages.length > 0 && (
        <ul className="usa-error-message" aria-label={`Problems with rate certification ${index + 1}`}>
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {conflict ? (
        <>
          <ProblemAlert
            error="Someone else changed this package meanwhile, so nothing was unlinked. Load the latest version and try again."
            heading="The rate certification was not unlinked"
          />
          <Button type="button" outline onClick={() => void onLoadLatest()}>
            Load the latest version (replaces your changes on this page)
          </Button>
        </>
      ) : (
        <>
          <ProblemAlert error={failure} heading="The rate certification was not unlinked" />
          <Button type="button" secondary disabled={busy} onClick={() => void unlink()}>
            Unlink rate certification {index + 1}
          </Button>
        </>
      )}
    </section>
  );
}
