/**
 * A rate certification's own page (/rates/:id): what it is and where it stands, the packages
 * carrying it (its parent marked), its revisions newest first with their documents, the
 * questions CMS asked about it, its withdrawals, and for CMS the decision to withdraw it.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Accordion, Button, Table } from '@trussworks/react-uswds';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api/client.js';
import { downloadLinkQuery, rateDownloadLinkQuery, useRate, useStateInfo } from '../api/queries.js';
import type { RateRevision, RateView, State, User } from '../api/types.js';
import { ColumnHeads } from '../components/column-heads.js';
import { formatDateTime, formatSize } from '../components/format.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { When } from '../components/question-round.js';
import { RateDecisions } from '../components/rate-decisions.js';
import { RateFacts } from '../components/revision-summary.js';
import { ScanTag, StatusTag } from '../components/status-tag.js';
import { DOCUMENT_CATEGORIES } from '../form/labels.js';
import { ErrorPage } from './error-page.js';

/** A document of the rate (its own route), or of a question about it (the package's route). */
type Download = (from: { rateId: string } | { packageId: string }, documentId: string) => void;

function Packages({ rate }: { rate: RateView }) {
  return (
    <div data-testid="rate-packages">
      <Table bordered fullWidth className="carepack-table">
        <caption>Packages carrying this rate certification</caption>
        <ColumnHeads names={['Package', 'Relation', 'Status', 'Rate revision carried']} />
        <tbody>
          {rate.packages.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <Link to={`/packages/${p.id}`}>{p.name}</Link>
              </th>
              <td>{p.isParent ? 'Parent: edits it' : 'Linked'}</td>
              <td>
                <StatusTag status={p.displayStatus} />
              </td>
              <td>{p.rateRevision === null ? 'Not submitted with it yet' : `Revision ${p.rateRevision}`}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function Revision({
  rate,
  revision: r,
  state,
  onDownload,
}: {
  rate: RateView;
  revision: RateRevision;
  state: State | undefined;
  onDownload: Download;
}) {
  const programName = (id: string) => state?.programs.find((p) => p.id === id)?.name ?? 'unknown program';
  const submittedWith = r.submittedWith && rate.packages.find((p) => p.id === r.submittedWith?.packageId);
  return (
    <section aria-label={`Rate revision ${r.number}`} data-testid="rate-revision">
      {r.unlockInfo && (
        <p>
          <strong>Unlocked</strong> with its package by {r.unlockInfo.by.email} on{' '}
          {formatDateTime(r.unlockInfo.at)}. Reason: {r.unlockInfo.reason}
        </p>
      )}
      {r.submitInfo && (
        <p>
          <strong>Submitted</strong> by {r.submitInfo.by.email} on {formatDateTime(r.submitInfo.at)}
          {r.submittedWith &&
            (submittedWith ? (
              <>
                {' '}
                with <Link to={`/packages/${submittedWith.id}`}>{submittedWith.name}</Link> (its revision{' '}
                {r.submittedWith.packageRevision})
              </>
            ) : (
              ` with its package's revision ${r.submittedWith.packageRevision}`
            ))}
          .
        </p>
      )}
      <h4 className="font-heading-md margin-y-1">Rate certification</h4>
      <p>
        <RateFacts
          rate={r.formData}
          programName={programName}
          populations={Boolean(r.formData.medicaidPopulations?.length)}
        />
      </p>
      <h4 className="font-heading-md margin-y-1">Documents</h4>
      {r.documents.length === 0 ? (
        <p>None attached.</p>
      ) : (
        <ul className="usa-list usa-list--unstyled">
          {r.documents.map((d) => (
            <li key={d.id} className="margin-bottom-05">
              {DOCUMENT_CATEGORIES[d.category]}:{' '}
              <Button type="button" unstyled onClick={() => onDownload({ rateId: rate.id }, d.id)}>
                Download {d.name}
              </Button>{' '}
              ({formatSize(d.size)}) <ScanTag status={d.scanStatus} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Questions({ rate, onDownload }: { rate: RateView; onDownload: Download }) {
  if (rate.questions.length === 0)
    return <p data-testid="no-rate-questions">CMS has asked no questions about this rate certification.</p>;
  return (
    <ul className="usa-list usa-list--unstyled" data-testid="rate-questions">
      {rate.questions.map((q) => (
        <li key={q.id} className="carepack-qa-round">
          <p className="margin-bottom-05">
            <strong>
              {q.division} round {q.round}
            </strong>{' '}
            on <Link to={`/packages/${q.packageId}?tab=questions`}>{q.packageName}</Link>, asked by{' '}
            {q.by.email} on <When at={q.at} /> · {q.response ? 'answered' : 'awaiting the state’s response'}
          </p>
          {q.text && <p className="carepack-qa-text margin-top-0">{q.text}</p>}
          {q.documents.map((d) => (
            <Button
              key={d.id}
              type="button"
              unstyled
              className="margin-right-2"
              onClick={() => onDownload({ packageId: q.packageId }, d.id)}
            >
              Download {d.name}
            </Button>
          ))}
        </li>
      ))}
    </ul>
  );
}

function Withdrawals({ rate }: { rate: RateView }) {
  if (rate.withdrawals.length === 0) return null;
  const nameOf = (id: string) => rate.packages.find((p) => p.id === id)?.name ?? 'a package';
  return (
    <div data-testid="rate-withdrawals">
      <Table bordered fullWidth className="carepack-table">
        <caption>Withdrawals</caption>
        <ColumnHeads names={['When', 'Who', 'Decision', 'Packages', 'Reason']} />
        <tbody>
          {rate.withdrawals.map((w) => (
            <tr key={w.id}>
              <td>
                <When at={w.at} />
              </td>
              <td>{w.by.email}</td>
              <td>{w.action === 'WITHDRAW' ? 'Withdrawn' : 'Withdrawal undone'}</td>
              <td>{w.packageIds.map(nameOf).join(', ') || '—'}</td>
              <td>{w.reason}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

export function RatePage({ user }: { user: User }) {
  const { id } = useParams();
  const rateQuery = useRate(id);
  const client = useQueryClient();
  const state = useStateInfo(rateQuery.data?.stateCode);
  const [banner, setBanner] = useState<string | undefined>();
  const [downloadError, setDownloadError] = useState<unknown>(null);
  if (rateQuery.isPending) return <Loading what="the rate certification" />;
  if (rateQuery.isError) {
    if (isApiError(rateQuery.error, 404)) return <ErrorPage kind="not-found" />;
    if (isApiError(rateQuery.error, 403)) return <ErrorPage kind="forbidden" />;
    return <ProblemAlert error={rateQuery.error} />;
  }
  const rate = rateQuery.data;
  // Links expire: each click fetches a fresh one (queries.ts), as on the package page.
  const download = async (from: Parameters<Download>[0], documentId: string) => {
    setDownloadError(null);
    try {
      const link =
        'rateId' in from
          ? await client.fetchQuery(rateDownloadLinkQuery(from.rateId, documentId))
          : await client.fetchQuery(downloadLinkQuery(from.packageId, documentId));
      window.location.assign(link.url);
    } catch (e) {
      setDownloadError(e);
    }
  };
  const withdrawal = rate.status === 'WITHDRAWN' ? rate.withdrawals[0] : undefined;
  return (
    <div className="margin-y-3">
      {banner && (
        <Notice type="success" level="h2" heading="Done" role="status" data-testid="banner">
          {banner}
        </Notice>
      )}
      <h1 data-testid="rate-number">
        {rate.rateNumber}
        <span className="display-block font-body-lg text-normal">{rate.name}</span>
      </h1>
      <p>
        <StatusTag status={rate.status} /> Rate certification · {state?.name ?? rate.stateCode}
        {rate.initiallySubmittedAt && ` · first submitted ${formatDateTime(rate.initiallySubmittedAt)}`} ·
        last updated {formatDateTime(rate.updatedAt)}
      </p>
      {withdrawal && (
        <Notice type="warning" level="h2" heading="Withdrawn by CMS" data-testid="rate-withdrawn-banner">
          {withdrawal.by.email} on <When at={withdrawal.at} />: {withdrawal.reason}
        </Notice>
      )}
      <RateDecisions rate={rate} user={user} onDone={setBanner} />
      <ProblemAlert error={downloadError} heading="The document could not be downloaded" />
      <h2>Packages</h2>
      {rate.packages.length === 0 ? <p>No package carries it now.</p> : <Packages rate={rate} />}
      <h2>Revisions</h2>
      <Accordion
        bordered
        multiselectable
        className="margin-bottom-4"
        items={rate.revisions.map((r, index) => ({
          id: `rate-revision-${r.number}`,
          headingLevel: 'h3' as const,
          expanded: index === 0,
          title: `Revision ${r.number}${r.submitInfo ? ` · submitted ${formatDateTime(r.submitInfo.at)}` : ' · not submitted yet'}`,
          content: (
            <Revision
              rate={rate}
              revision={r}
              state={state}
              onDownload={(from, doc) => void download(from, doc)}
            />
          ),
        }))}
      />
      <h2>Questions about this rate certification</h2>
      <Questions rate={rate} onDownload={(from, doc) => void download(from, doc)} />
      {rate.withdrawals.length > 0 && <h2>History</h2>}
      <Withdrawals rate={rate} />
    </div>
  );
}
