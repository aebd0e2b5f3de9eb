/**
 * The package page's "Questions and answers": CMS's questions grouped by division (DMCO, DMCP,
 * OACT), each division's rounds oldest first, each with its documents and the state's response.
 * A CMS reviewer with a division asks here; the package's state responds to the open question
 * here. Whoever may do neither is told why, where the form would be.
 */

import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useAskQuestion, useRespondToQuestion } from '../api/mutations.js';
import { keys } from '../api/queries.js';
import type { PackageView, State, User } from '../api/types.js';
import { Notice } from './notice.js';
import { QaForm } from './qa-form.js';
import { type Download, QuestionRound, When } from './question-round.js';
import {
  type Asking,
  asking,
  DIVISION_NAMES,
  questionLabel,
  questionsByDivision,
  rateOptions,
  respondable,
} from './questions.js';

/** Where the ask form would be: the form, or why there is none. */
function AskOrWhyNot({ ask, form }: { ask: Asking; form: ReactNode }) {
  switch (ask.kind) {
    case 'ASK':
      return (
        <section aria-labelledby="ask-heading" className="margin-bottom-4">
          <h3 id="ask-heading">Ask questions</h3>
          <p className="usa-hint">
            As {ask.division} ({DIVISION_NAMES[ask.division]}). The state contacts and submitters are emailed;
            no further questions can be asked until the state responds.
          </p>
          {form}
        </section>
      );
    case 'NO_DIVISION':
      return (
        <Notice type="info" level="h3" heading="You can read, but not ask" data-testid="no-division">
          Your account has no CMS division (DMCO, DMCP or OACT), so you cannot ask the state questions. An
          administrator can set your division.
        </Notice>
      );
    case 'WAITING':
      return (
        <Notice type="info" level="h3" heading="Waiting for the state" data-testid="waiting">
          No new questions until the state responds to {questionLabel(ask.open)}.
        </Notice>
      );
    case 'APPROVED':
      return (
        <Notice type="info" level="h3" heading="No new questions">
          This package is approved.
        </Notice>
      );
    case 'TOO_MANY':
      return (
        <Notice type="info" level="h3" heading="No new questions">
          This package holds as many questions as it may.
        </Notice>
      );
    case 'NOT_ASKER':
      return null;
  }
}

export function QuestionsPanel({
  pkg,
  user,
  state,
  onDownload,
}: {
  pkg: PackageView;
  user: User;
  state: State | undefined;
  onDownload: Download;
}) {
  const client = useQueryClient();
  const askQuestion = useAskQuestion();
  const respond = useRespondToQuestion();
  // What was just sent, said where focus goes next (the form it came from may be gone).
  const [sent, setSent] = useState<string | undefined>(undefined);
  const sentRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sent) sentRef.current?.focus();
  }, [sent]);
  const loadLatest = () => {
    void client.invalidateQueries({ queryKey: keys.pkg(pkg.id) });
    void client.invalidateQueries({ queryKey: keys.history(pkg.id) });
  };

  const ask = asking(pkg, user);
  const open = respondable(pkg, user);
  const divisions = questionsByDivision(pkg.questions);
  const askForm =
    ask.kind === 'ASK' ? (
      <QaForm
        words={{
          textLabel: 'Questions',
          textHint: 'The state reads this beside the documents.',
          submit: 'Send questions',
          failed: 'The questions were not sent',
          conflict:
            'The package changed while you wrote: another question may be waiting for the state, or the package was approved. Nothing was sent. Copy your text if you need it, then load the latest version.',
        }}
        rates={rateOptions(pkg, state)}
        send={(v) => askQuestion.mutateAsync({ packageId: pkg.id, ...v })}
        onSent={(q) => setSent(`Your ${questionLabel(q)} questions were sent to the state.`)}
        onLoadLatest={loadLatest}
      />
    ) : null;
  const respondForm = open ? (
    <section aria-labelledby="respond-heading">
      <h5 id="respond-heading">Respond</h5>
      <QaForm
        words={{
          textLabel: 'Response',
          textHint: 'CMS reads this beside the documents.',
          submit: 'Send response',
          failed: 'The response was not sent',
          conflict:
            'This question was answered while you wrote (by a colleague, in another tab). Nothing was sent. Copy your text if you need it, then load the latest version.',
        }}
        send={(v) => respond.mutateAsync({ packageId: pkg.id, questionId: open.id, ...v })}
        onSent={(q) => setSent(`Your response to ${questionLabel(q)} was sent to CMS.`)}
        onLoadLatest={loadLatest}
      />
    </section>
  ) : null;

  return (
    <section aria-labelledby="qa-heading" data-testid="questions">
      <h2 id="qa-heading">Questions and answers</h2>
      {sent && (
        <div ref={sentRef} tabIndex={-1}>
          <Notice type="success" level="h3" heading="Sent" role="status" data-testid="qa-sent">
            {sent}
          </Notice>
        </div>
      )}
      {open && (
        <Notice
          type="warning"
          level="h3"
          heading="CMS is waiting for your response"
          data-testid="response-needed"
        >
          {open.division} asked round {open.round} questions on <When at={open.at} />.{' '}
          <a href="#respond-heading">Respond to them</a> with at least one document.
        </Notice>
      )}
      <AskOrWhyNot ask={ask} form={askForm} />
      {divisions.length === 0 && (
        <p data-testid="no-questions">No questions have been asked about this package.</p>
      )}
      {divisions.map(({ division, rounds }) => (
        <section
          key={division}
          className="margin-top-4"
          aria-labelledby={`division-${division}`}
          data-testid={`division-${division}`}
        >
          <h3 id={`division-${division}`}>
            {division} <span className="text-normal font-body-sm">{DIVISION_NAMES[division]}</span>
          </h3>
          {rounds.map((q) => (
            <QuestionRound
              key={q.id}
              pkg={pkg}
              state={state}
              question={q}
              onDownload={onDownload}
              respond={open?.id === q.id ? respondForm : null}
            />
          ))}
        </section>
      ))}
    </section>
  );
}
