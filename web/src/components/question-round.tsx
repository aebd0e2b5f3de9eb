/**
 * One question as the "Questions and answers" tab shows it: its round, asker, date, the rate it
 * is about, its text and documents, and the state's response (or that one is awaited).
 */
import { Button, Tag } from '@trussworks/react-uswds';
import type { ReactNode } from 'react';
import type { PackageView, QaDocument, Question, State } from '../api/types.js';
import { formatDateTime, formatSize } from './format.js';
import { questionLabel, rateName } from './questions.js';
import { ScanTag } from './status-tag.js';

export type Download = (doc: Pick<QaDocument, 'id'>) => void;

function Documents({
  documents,
  label,
  onDownload,
}: {
  documents: readonly QaDocument[];
  label: string;
  onDownload: Download;
}) {
  return (
    <ul className="usa-list usa-list--unstyled" aria-label={label}>
      {documents.map((d) => (
        <li key={d.id} className="margin-bottom-05">
          <Button type="button" unstyled onClick={() => onDownload(d)}>
            Download {d.name}
          </Button>{' '}
          ({formatSize(d.size)}) <ScanTag status={d.scanStatus} />
        </li>
      ))}
    </ul>
  );
}

export const When = ({ at }: { at: string }) => <time dateTime={at}>{formatDateTime(at)}</time>;

function Text({ text }: { text: string }) {
  return text ? <p className="carepack-qa-text">{text}</p> : null;
}

export function QuestionRound({
  pkg,
  state,
  question: q,
  onDownload,
  respond,
}: {
  pkg: PackageView;
  state: State | undefined;
  question: Question;
  onDownload: Download;
  /** The response form, when this user may respond to this question now. */
  respond: ReactNode;
}) {
  const headingId = `question-${q.id}`;
  return (
    <article className="carepack-qa-round" aria-labelledby={headingId} data-testid="question">
      <h4 id={headingId} className="margin-bottom-1">
        Round {q.round}
      </h4>
      <p className="margin-top-0">
        {q.response ? (
          <Tag className="bg-success-darker">Answered</Tag>
        ) : (
          <Tag className="bg-emergency">Awaiting response</Tag>
        )}{' '}
        Asked by {q.by.email} on <When at={q.at} />
        {q.rateId && (
          <>
            , about rate certification <strong>{rateName(pkg, state, q.rateId)}</strong>
          </>
        )}
      </p>
      <Text text={q.text} />
      <Documents
        documents={q.documents}
        label={`Documents with ${questionLabel(q)}`}
        onDownload={onDownload}
      />
      {q.response ? (
        <div className="carepack-qa-response" data-testid="response">
          <h5 className="margin-y-1">Response</h5>
          <p className="margin-top-0">
            From {q.response.by.email} on <When at={q.response.at} />
          </p>
          <Text text={q.response.text} />
          <Documents
            documents={q.response.documents}
            label={`Documents with the response to ${questionLabel(q)}`}
            onDownload={onDownload}
          />
        </div>
      ) : (
        <>
          <p className="text-italic">Awaiting the state’s response.</p>
          {respond}
        </>
      )}
    </article>
  );
}
