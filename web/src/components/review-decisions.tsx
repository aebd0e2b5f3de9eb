/**
 * CMS's decisions on a package page: unlock, approve (with the date the approval was released
 * to the state), undo approval, withdraw, undo withdrawal, undo unlock. The buttons, the dialog
 * and its handling of a package changed meanwhile are decision-dialog.tsx's.
 */

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../api/client.js';
import {
  useApprovePackage,
  useUndoApproval,
  useUndoUnlock,
  useUndoWithdrawal,
  useUnlockPackage,
  useWithdrawPackage,
} from '../api/mutations.js';
import { keys } from '../api/queries.js';
import type { FieldError, PackageView, User } from '../api/types.js';
import { type ChosenDecision, DecisionDialog, DecisionForm, useDecisionAttempt } from './decision-dialog.js';
import { availableDecisions, type Decision } from './decisions.js';
import { DateField, TextField } from './fields.js';
import { formatDate, todayIso } from './format.js';

interface DecisionWords {
  /** The button on the page that opens the dialog. */
  opener: string;
  heading: string;
  /** What the decision does, read out as the dialog's description. */
  description: string;
  submit: string;
  reasonLabel: string;
  reasonHint?: string;
  done: (pkg: PackageView) => string;
  failed: string;
}

const WORDS: Record<Decision, DecisionWords> = {
  UNLOCK: {
    opener: 'Unlock package',
    heading: 'Unlock this package',
    description: 'The state can then edit the package and resubmit it.',
    submit: 'Unlock',
    reasonLabel: 'Reason for unlocking',
    reasonHint: 'The state sees this and must address it before resubmitting.',
    done: (p) => `${p.name} was unlocked; the state has been told why.`,
    failed: 'The package was not unlocked',
  },
  APPROVE: {
    opener: 'Approve',
    heading: 'Approve this package',
    description: 'Record that CMS approved the package, and when the approval was released to the state.',
    submit: 'Approve package',
    reasonLabel: 'Note on the approval',
    done: (p) => `${p.name} was approved.`,
    failed: 'The package was not approved',
  },
  UNDO_APPROVAL: {
    opener: 'Undo approval',
    heading: 'Undo the approval',
    description: 'The package goes back under review; the approval stays in its history.',
    submit: 'Undo the approval',
    reasonLabel: 'Reason for undoing the approval',
    done: (p) => `The approval of ${p.name} was undone; it is under review again.`,
    failed: 'The approval was not undone',
  },
  WITHDRAW: {
    opener: 'Withdraw package',
    heading: 'Withdraw this package',
    description:
      'The package leaves review and cannot be unlocked or approved until the withdrawal is undone. The state contacts, the submitters and the CMS review list are emailed your reason.',
    submit: 'Withdraw',
    reasonLabel: 'Reason for withdrawing',
    reasonHint: 'The state sees this on the package.',
    done: (p) => `${p.name} was withdrawn; the state has been told why.`,
    failed: 'The package was not withdrawn',
  },
  UNDO_WITHDRAWAL: {
    opener: 'Undo withdrawal',
    heading: 'Undo the withdrawal',
    description: 'The package returns to review, as its last submission calls for.',
    submit: 'Undo the withdrawal',
    reasonLabel: 'Reason for undoing the withdrawal',
    done: (p) => `The withdrawal of ${p.name} was undone.`,
    failed: 'The withdrawal was not undone',
  },
  UNDO_UNLOCK: {
    opener: 'Undo unlock',
    heading: 'Undo the unlock',
    description:
      "The package returns to its last submission; the state's unsubmitted edits, and files only they added, are discarded.",
    submit: 'Undo the unlock',
    reasonLabel: 'Reason for undoing the unlock',
    done: (p) => `The unlock of ${p.name} was undone; the last submission is current again.`,
    failed: 'The unlock was not undone',
  },
};

/** The mutation behind each decision: the package after it comes back and replaces the cached one. */
function useDecide(): (decision: Decision, body: DecisionBody) => Promise<PackageView> {
  const mutations = {
    UNLOCK: useUnlockPackage(),
    APPROVE: useApprovePackage(),
    UNDO_APPROVAL: useUndoApproval(),
    WITHDRAW: useWithdrawPackage(),
    UNDO_WITHDRAWAL: useUndoWithdrawal(),
    UNDO_UNLOCK: useUndoUnlock(),
  };
  return (decision, { releasedOn, ...body }) =>
    decision === 'APPROVE'
      ? mutations.APPROVE.mutateAsync({ ...body, releasedOn: releasedOn ?? '' })
      : mutations[decision].mutateAsync(body);
}

interface DecisionBody {
  id: string;
  expectedVersion: number;
  reason: string;
  releasedOn?: string | undefined;
}

const DIALOG = 'review-decision';

/** The decision buttons and their dialog; nothing for users who decide nothing here. */
export function ReviewDecisions({
  pkg,
  user,
  onDone,
}: {
  pkg: PackageView;
  user: User;
  onDone: (message: string) => void;
}) {
  return (
    <DecisionDialog
      dialogId={DIALOG}
      testId="review-decisions"
      decisions={availableDecisions(pkg, user)}
      version={pkg.version}
      opener={(d) => WORDS[d].opener}
      outline={(d) => d !== 'APPROVE'}
      form={(chosen, close) => (
        <PackageDecisionForm
          pkg={pkg}
          user={user}
          {...chosen}
          onDone={(after) => {
            close();
            onDone(WORDS[chosen.decision].done(after));
          }}
        />
      )}
    />
  );
}

function PackageDecisionForm({
  pkg,
  user,
  decision,
  expectedVersion,
  onCancel,
  onDone,
}: ChosenDecision<Decision> & {
  pkg: PackageView;
  user: User;
  onDone: (after: PackageView) => void;
}) {
  const words = WORDS[decision];
  const decide = useDecide();
  const client = useQueryClient();
  const today = todayIso();
  const [reason, setReason] = useState('');
  const [releasedOn, setReleasedOn] = useState<string | undefined>(today);
  const { errors, failure, busy, attempt } = useDecisionAttempt();
  const approving = decision === 'APPROVE';
  // A CMS reviewer's approval needs no reason; an administrator approving must say why.
  const reasonRequired = !approving || user.role === 'ADMIN_USER';

  const submit = () => {
    const missing: FieldError[] = [];
    if (approving && !releasedOn)
      missing.push({ path: 'releasedOn', message: 'give the date the approval was released to the state' });
    if (reasonRequired && !reason.trim()) missing.push({ path: 'reason', message: 'give a reason' });
    return attempt(missing, async () =>
      onDone(
        await decide(decision, { id: pkg.id, expectedVersion, reason, ...(approving ? { releasedOn } : {}) }),
      ),
    );
  };

  const loadLatest = async () => {
    await client.invalidateQueries({ queryKey: keys.pkg(pkg.id) });
    void client.invalidateQueries({ queryKey: keys.history(pkg.id) });
    onCancel();
  };

  return (
    <DecisionForm
      dialogId={DIALOG}
      testId="decision-form"
      heading={`${words.heading}: ${pkg.name}`}
      description={words.description}
      failedHeading={words.failed}
      submitLabel={words.submit}
      failure={failure}
      changedMeanwhile={
        isApiError(failure) && (failure.code === 'VERSION_CONFLICT' || failure.code === 'INVALID_TRANSITION')
      }
      changedMessage={`Someone else changed ${pkg.name} after you opened this dialog, so nothing was recorded. Load the latest version and decide again.`}
      busy={busy}
      onSubmit={() => void submit()}
      onLoadLatest={() => void loadLatest()}
      onCancel={onCancel}
    >
      {approving && (
        <DateField
          path="releasedOn"
          label="Date the approval was released to the state"
          hint={`Today (${formatDate(today)}) or earlier.`}
          required
          errors={errors}
          value={releasedOn}
          onChange={setReleasedOn}
        />
      )}
      <TextField
        path="reason"
        label={words.reasonLabel}
        hint={
          approving
            ? reasonRequired
              ? 'Required when an administrator approves on a reviewer’s behalf.'
              : undefined
            : (words.reasonHint ?? 'Kept in the package’s history.')
        }
        required={reasonRequired}
        multiline
        errors={errors}
        value={reason}
        onChange={setReason}
      />
    </DecisionForm>
  );
}
