/**
 * "Link an existing rate certification": the state's submitted rates, searched by name or rate
 * number as the user types (one request per pause), each with a Link button where the link
 * plan would accept it. A refusal shows on the search field; a conflict offers the latest version.
 */
import { MAX_RATE_CERTIFICATIONS } from '@carepack/domain/form-data.js';
import { Button, ErrorMessage, FormGroup, Label, TextInput } from '@trussworks/react-uswds';
import { useState } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../api/client.js';
import { useRates } from '../api/queries.js';
import type { RateSummaryView } from '../api/types.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { linkChoice, rateSearchQuery } from '../components/rate-links.js';
import { StatusTag } from '../components/status-tag.js';
import { useDebounced } from '../components/use-debounced.js';

const SEARCH_ID = 'link-rate-search';

const CHOICE_WORDS = {
  ALREADY_HERE: 'Already on this package',
  WITHDRAWN: 'Withdrawn by CMS: cannot be linked',
  FULL: `This package carries ${MAX_RATE_CERTIFICATIONS} rate certifications already`,
} as const;

export function RateLinkSearch({
  stateCode,
  carried,
  onLink,
  onLoadLatest,
}: {
  stateCode: string;
  /** The rates the package carries now (its own and linked ones). */
  carried: ReadonlySet<string>;
  /** Links the rate; throws the API's refusal. */
  onLink: (rate: RateSummaryView) => Promise<void>;
  onLoadLatest: () => Promise<void>;
}) {
  const [typed, setTyped] = useState('');
  const term = useDebounced(typed);
  const results = useRates(rateSearchQuery(stateCode, term));
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [linked, setLinked] = useState<string | null>(null);
  const messages = isApiError(failure) ? failure.fieldErrors.map((e) => e.message) : [];
  const conflict = isApiError(failure, 409) && failure.code === 'VERSION_CONFLICT';

  const link = async (rate: RateSummaryView) => {
    setFailure(null);
    setLinked(null);
    setBusy(rate.id);
    try {
      await onLink(rate);
      setLinked(`${rate.rateNumber} (${rate.name}) is now linked to this package.`);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby={`${SEARCH_ID}-heading`} className="margin-y-4" data-testid="rate-link-search">
      <h2 id={`${SEARCH_ID}-heading`}>Link an existing rate certification</h2>
      <p className="usa-hint">
        A rate certification your state already submitted with another package can be carried by this one too.
        Only its own package edits it.
      </p>
      <FormGroup error={messages.length > 0}>
        <Label htmlFor={SEARCH_ID}>Search by rate certification name or rate number</Label>
        <div className="usa-hint" id={`${SEARCH_ID}-hint`}>
          For example {stateCode}-RATE-0001, or part of a name. Your state's newest rates are listed while
          nothing is typed.
        </div>
        {messages.length > 0 && <ErrorMessage id={`${SEARCH_ID}-error`}>{messages.join('; ')}</ErrorMessage>}
        <TextInput
          id={SEARCH_ID}
          name={SEARCH_ID}
          type="search"
          value={typed}
          validationStatus={messages.length ? 'error' : undefined}
          aria-invalid={messages.length > 0 || undefined}
          aria-describedby={[`${SEARCH_ID}-hint`, messages.length ? `${SEARCH_ID}-error` : '']
            .filter(Boolean)
            .join(' ')}
          // Enter searches (it is typed already); it must not submit the step's form.
          onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
          onChange={(e) => setTyped(e.target.value)}
        />
      </FormGroup>
      {conflict ? (
        <>
          <ProblemAlert
            error="Someone else changed this package meanwhile, so the rate was not linked. Load the latest version and link it again."
            heading="The rate certification was not linked"
          />
          <Button type="button" outline onClick={() => void onLoadLatest().then(() => setFailure(null))}>
            Load the latest version (replaces your changes on this page)
          </Button>
        </>
      ) : (
        messages.length === 0 && (
          <ProblemAlert error={failure} heading="The rate certification was not linked" />
        )
      )}
      {linked && (
        <p role="status" className="text-bold" data-testid="rate-linked">
          {linked}
        </p>
      )}
      {results.isError && <ProblemAlert error={results.error} heading="The search did not work" />}
      {results.data &&
        (results.data.items.length === 0 ? (
          <p data-testid="no-rates-found">
            {term.trim()
              ? `No submitted rate certification matches “${term.trim()}”.`
              : 'Your state has no submitted rate certifications yet.'}
          </p>
        ) : (
          <ul
            className="usa-list usa-list--unstyled margin-top-2"
            aria-label="Rate certifications found"
            aria-busy={results.isFetching}
          >
            {results.data.items.map((r) => {
              const choice = linkChoice(r, carried, MAX_RATE_CERTIFICATIONS);
              return (
                <li key={r.id} className="padding-2 margin-bottom-1 border-1px border-base-lighter">
                  <Link to={`/rates/${r.id}`} className="text-bold">
                    {r.rateNumber}
                  </Link>{' '}
                  <StatusTag status={r.status} />
                  <span className="display-block">{r.name}</span>
                  <span className="display-block usa-hint">Submitted with {r.parentPackageName}</span>
                  {choice.kind === 'LINK' ? (
                    <Button
                      type="button"
                      outline
                      className="margin-top-1"
                      disabled={busy !== null}
                      onClick={() => void link(r)}
                    >
                      Link <span className="usa-sr-only">{r.rateNumber}</span>
                    </Button>
                  ) : (
                    <span className="display-block text-italic margin-top-1">
                      {CHOICE_WORDS[choice.kind]}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        ))}
    </section>
  );
}
