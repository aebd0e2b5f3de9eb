import { openQuestionCount } from '@carepack/domain/questions.js';
import { useQueryClient } from '@tanstack/react-query';
import { Accordion, Button, ButtonGroup, Table, Tag } from '@trussworks/react-uswds';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../api/client.js';
import { useDeletePackage } from '../api/mutations.js';
import { downloadLinkQuery, revisionZipUrl, useHistory, usePackage, useStateInfo } from '../api/queries.js';
import type { PackageDocument, PackageView, State, User } from '../api/types.js';
import { ColumnHeads } from '../components/column-heads.js';
import { formatDate, formatDateTime } from '../components/format.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { openQuestionBadge, sideOf } from '../components/questions.js';
import { QuestionsPanel } from '../components/questions-panel.js';
import { ReviewBanner } from '../components/review-banner.js';
import { ReviewDecisions } from '../components/review-decisions.js';
import { RevisionSummary } from '../components/revision-summary.js';
import { reviewStatusLabel, StatusTag, shownStatus } from '../components/status-tag.js';
import { Tabs } from '../components/tabs.js';
import { SUBMISSION_TYPE_LABELS } from '../form/labels.js';
import { ErrorPage } from './error-page.js';

/** Deleting a never-submitted draft: asked twice, since it cannot be undone. */
function DeleteDraft({ pkg }: { pkg: PackageView }) {
  const navigate = useNavigate();
  const deletePackage = useDeletePackage();
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const remove = async () => {
    setFailure(null);
    try {
      await deletePackage.mutateAsync(pkg);
      navigate('/', { state: { banner: `The draft ${pkg.name} was deleted.` } });
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <div className="margin-top-2">
      <ProblemAlert error={failure} heading="The draft was not deleted" />
      {confirming ? (
        <ButtonGroup>
          <Button type="button" secondary onClick={() => void remove()}>
            Yes, delete {pkg.name}
          </Button>
          <Button type="button" outline onClick={() => setConfirming(false)}>
            Keep the draft
          </Button>
        </ButtonGroup>
      ) : (
        <Button type="button" unstyled onClick={() => setConfirming(true)}>
          Delete this draft
        </Button>
      )}
    </div>
  );
}

const DECISION_LABELS: Record<PackageView['reviewActions'][number]['action'], string> = {
  APPROVE: 'Approved',
  UNDO_APPROVAL: 'Approval undone',
  WITHDRAW: 'Withdrawn',
  UNDO_WITHDRAWAL: 'Withdrawal undone',
  UNDO_UNLOCK: 'Unlock undone',
};

/** CMS's review decisions, newest first: what, who, when and why (an approval: when it was released). */
function ReviewDecisionHistory({ pkg }: { pkg: PackageView }) {
  if (pkg.reviewActions.length === 0) return null;
  return (
    <div data-testid="review-history">
      <Table bordered fullWidth>
        <caption>Review decisions</caption>
        <ColumnHeads names={['When', 'Who', 'Decision', 'Reason']} />
        <tbody>
          {pkg.reviewActions.map((a) => (
            <tr key={a.id}>
              <td>
                <time dateTime={a.at}>{formatDateTime(a.at)}</time>
              </td>
              <td>{a.by.email}</td>
              <td>
                {DECISION_LABELS[a.action]}
                {a.releasedOn && `, released to the state on ${formatDate(a.releasedOn)}`}
              </td>
              <td>{a.reason || '—'}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function History({ id }: { id: string }) {
  const history = useHistory(id);
  if (history.isPending) return <Loading what="the history" />;
  if (history.isError) return <ProblemAlert error={history.error} />;
  return (
    <div data-testid="history">
      <Table bordered fullWidth>
        <caption>Change history</caption>
        <ColumnHeads names={['When', 'Who', 'What']} />
        <tbody>
          {history.data.items.map((e) => (
            <tr key={e.id}>
              <td>
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              </td>
              <td>{e.actor.email}</td>
              <td>{e.summary}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

/** The package's revisions and its history. */
function PackageDetails({
  pkg,
  state,
  onDownload,
}: {
  pkg: PackageView;
  state: State | undefined;
  onDownload: (doc: PackageDocument) => void;
}) {
  return (
    <>
      <h2>Revisions</h2>
      {/* The newest revision open, earlier ones folded: each holds the whole form as it was then. */}
      <Accordion
        bordered
        multiselectable
        className="margin-bottom-4"
        items={pkg.revisions.map((r, index) => ({
          id: `revision-${r.number}`,
          headingLevel: 'h3' as const,
          expanded: index === 0,
          title: `Revision ${r.number}${
            r.submitInfo
              ? ` · ${r.number === 1 ? 'submitted' : 'resubmitted'} ${formatDateTime(r.submitInfo.at)}`
              : ' · not submitted yet'
          }`,
          content: (
            <section aria-label={`Revision ${r.number}`} data-testid="revision">
              {r.unlockInfo && (
                <p>
                  <strong>Unlocked</strong> by {r.unlockInfo.by.email} on {formatDateTime(r.unlockInfo.at)}.
                  Reason: {r.unlockInfo.reason}
                </p>
              )}
              {r.submitInfo && (
                <p>
                  <strong>{r.number === 1 ? 'Submitted' : 'Resubmitted'}</strong> by {r.submitInfo.by.email}.{' '}
                  {r.number > 1 && `Reason: ${r.submitInfo.reason}`}
                </p>
              )}
              <p>
                {/* A plain link: the zip streams straight to disk, however large. */}
                <a
                  className="usa-button usa-button--outline"
                  href={revisionZipUrl(pkg.id, r.number)}
                  download
                  data-testid="download-all"
                >
                  Download all documents of revision {r.number} (zip)
                </a>
              </p>
              <RevisionSummary
                headingLevel="h4"
                form={r.formData}
                documents={r.documents}
                rates={r.rates}
                current={index === 0}
                state={state}
                onDownload={onDownload}
              />
            </section>
          ),
        }))}
      />
      <h2>History</h2>
      <ReviewDecisionHistory pkg={pkg} />
      <History id={pkg.id} />
    </>
  );
}

/** The tab's name, with the dashboards' badge when a question waits for the state. */
function QuestionsTabLabel({ pkg, user }: { pkg: PackageView; user: User }) {
  const badge = openQuestionBadge(openQuestionCount(pkg.questions), sideOf(user));
  return (
    <>
      Questions and answers
      {badge && (
        <>
          {' '}
          <Tag className="bg-emergency">{badge}</Tag>
        </>
      )}
    </>
  );
}

export function PackageDetail({ user }: { user: User }) {
  const { id } = useParams();
  const location = useLocation();
  const client = useQueryClient();
  const pkgQuery = usePackage(id);
  const [banner, setBanner] = useState<string | undefined>(
    (location.state as { banner?: string } | null)?.banner,
  );
  const [downloadError, setDownloadError] = useState<unknown>(null);
  // The tab is in the address (`?tab=questions`), so a link or an email can open it.
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'questions' ? 'questions' : 'details';
  const state = useStateInfo(pkgQuery.data?.stateCode);
  if (pkgQuery.isPending) return <Loading what="the package" />;
  if (pkgQuery.isError) {
    if (isApiError(pkgQuery.error, 404)) return <ErrorPage kind="not-found" />;
    if (isApiError(pkgQuery.error, 403)) return <ErrorPage kind="forbidden" />;
    return <ProblemAlert error={pkgQuery.error} />;
  }
  const pkg = pkgQuery.data;
  /** Package, question and response documents alike: the API finds each by its id. */
  const download = async (doc: Pick<PackageDocument, 'id'>) => {
    setDownloadError(null);
    try {
      const link = await client.fetchQuery(downloadLinkQuery(pkg.id, doc.id));
      window.location.assign(link.url);
    } catch (e) {
      setDownloadError(e);
    }
  };
  const editable = user.role === 'STATE_USER' && (pkg.status === 'DRAFT' || pkg.status === 'UNLOCKED');
  return (
    <div className="margin-y-3">
      {banner && (
        <Notice type="success" level="h2" heading="Done" role="status" data-testid="banner">
          {banner}
        </Notice>
      )}
      <h1 data-testid="package-name">{pkg.name}</h1>
      <p>
        <StatusTag status={shownStatus(pkg)} />{' '}
        {/* Under review, or not subject to it, beside the tag; a decision (Approved…) is the tag itself. */}
        {pkg.reviewStatus && pkg.reviewStatus !== shownStatus(pkg) && (
          <span data-testid="review-status">{reviewStatusLabel(pkg.reviewStatus)} · </span>
        )}
        {SUBMISSION_TYPE_LABELS[pkg.revisions[0]!.formData.submissionType]} · {state?.name ?? pkg.stateCode}
        {pkg.initiallySubmittedAt && ` · first submitted ${formatDateTime(pkg.initiallySubmittedAt)}`} · last
        updated {formatDateTime(pkg.updatedAt)}
      </p>
      <ReviewBanner pkg={pkg} />
      {pkg.status === 'UNLOCKED' && pkg.unlockInfo && (
        <Notice type="warning" level="h2" heading="Unlocked by CMS">
          {pkg.unlockInfo.by.email} on {formatDateTime(pkg.unlockInfo.at)}: {pkg.unlockInfo.reason}
        </Notice>
      )}
      {editable && (
        <Link className="usa-button" to={`/packages/${pkg.id}/edit/submission`}>
          {pkg.status === 'UNLOCKED' ? 'Edit and resubmit' : 'Continue editing'}
        </Link>
      )}
      {user.role === 'STATE_USER' && pkg.status === 'DRAFT' && <DeleteDraft pkg={pkg} />}
      <ReviewDecisions pkg={pkg} user={user} onDone={setBanner} />
      <ProblemAlert error={downloadError} heading="The document could not be downloaded" />
      <Tabs
        id="package-tabs"
        label="Package"
        selected={tab}
        onSelect={(key) => setSearch(key === 'details' ? {} : { tab: key }, { replace: true })}
        items={[
          {
            key: 'details',
            label: 'Package details',
            panel: <PackageDetails pkg={pkg} state={state} onDownload={(d) => void download(d)} />,
          },
          {
            key: 'questions',
            label: <QuestionsTabLabel pkg={pkg} user={user} />,
            panel: (
              <QuestionsPanel pkg={pkg} user={user} state={state} onDownload={(d) => void download(d)} />
            ),
          },
        ]}
      />
    </div>
  );
}
