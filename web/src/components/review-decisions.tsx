/**
 * CMS's decisions on a package page — unlock, approve, undo approval, withdraw, undo withdrawal,
 * undo unlock — as one pattern: a button for each decision the package allows now, and one USWDS
 * modal dialog (focus kept inside, Escape closes) asking the reason (and, to approve, the date the
 * approval was released to the state). The decision names the version the user saw when opening
 * the dialog; when someone else changed the package meanwhile, nothing is recorded and the dialog
 * says so. The API's field errors are shown on their fields.
 */

import { useQueryClient } from '@tanstack/react-query';
import {
  Button,
  ButtonGroup,
  Modal,
  ModalFooter,
  ModalHeading,
  type ModalRef,
} from '@trussworks/react-uswds';
import { type FormEvent, useRef, useState } from 'react';
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
import { availableDecisions, type Decision } from './decisions.js';
import { DateField, TextField } from './fields.js';
import { formatDate, todayIso } from './format.js';
import { ProblemAlert } from './problem-alert.js';

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
  const modal = useRef<ModalRef>(null);
  // Which decision the dialog asks about, and the version of the package the user saw then.
  const [chosen, setChosen] = useState<{ decision: Decision; version: number; key: number } | null>(null);
  const decisions = availableDecisions(pkg, user);
  if (decisions.length === 0 && !chosen) return null;
  const open = (decision: Decision) => {
    setChosen({ decision, version: pkg.version, key: (chosen?.key ?? 0) + 1 });
    modal.current?.toggleModal(undefined, true);
  };
  const close = () => modal.current?.toggleModal(undefined, false);
  return (
    <>
      {decisions.length > 0 && (
        <section aria-label="CMS decisions" className="margin-y-2" data-testid="review-decisions">
          <ButtonGroup>
            {decisions.map((d) => (
              <Button
                key={d}
                type="button"
                outline={d !== 'APPROVE'}
                aria-haspopup="dialog"
                aria-controls={DIALOG}
                onClick={() => open(d)}
              >
                {WORDS[d].opener}
              </Button>
            ))}
          </ButtonGroup>
        </section>
      )}
      <Modal
        ref={modal}
        id={DIALOG}
        aria-labelledby={`${DIALOG}-heading`}
        aria-describedby={`${DIALOG}-description`}
      >
        {chosen && (
          <DecisionForm
            key={chosen.key}
            pkg={pkg}
            user={user}
            decision={chosen.decision}
            expectedVersion={chosen.version}
            onCancel={close}
            onDone={(after) => {
              close();
              onDone(WORDS[chosen.decision].done(after));
            }}
          />
        )}
      </Modal>
    </>
  );
}

/** The API names body fields `body.reason` when its schema refuses them, `reason` when a rule does. */
const onFields = (errors: readonly FieldError[]) =>
  errors.map((e) => ({ ...e, path: e.path.replace(/^body\./, '') }));

function DecisionForm({
  pkg,
  user,
  decision,
  expectedVersion,
  onCancel,
  onDone,
}: {
  pkg: PackageView;
  user: User;
  decision: Decision;
  expectedVersion: number;
  onCancel: () => void;
  onDone: (after: PackageView) => void;
}) {
  const words = WORDS[decision];
  const decide = useDecide();
  const client = useQueryClient();
  const today = todayIso();
  const [reason, setReason] = useState('');
  const [releasedOn, setReleasedOn] = useState<string | undefined>(today);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const approving = decision === 'APPROVE';
  // A CMS reviewer's approval needs no reason; an administrator approving must say why.
  const reasonRequired = !approving || user.role === 'ADMIN_USER';
  const changedMeanwhile =
    isApiError(failure) && (failure.code === 'VERSION_CONFLICT' || failure.code === 'INVALID_TRANSITION');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const missing: FieldError[] = [];
    if (approving && !releasedOn)
      missing.push({ path: 'releasedOn', message: 'give the date the approval was released to the state' });
    if (reasonRequired && !reason.trim()) missing.push({ path: 'reason', message: 'give a reason' });
    setErrors(missing);
    if (missing.length > 0) return;
    setBusy(true);
    try {
      const after = await decide(decision, {
        id: pkg.id,
        expectedVersion,
        reason,
        ...(approving ? { releasedOn } : {}),
      });
      onDone(after);
    } catch (err) {
      setErrors(isApiError(err) ? onFields(err.fieldErrors) : []);
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const loadLatest = async () => {
    await client.invalidateQueries({ queryKey: keys.pkg(pkg.id) });
    void client.invalidateQueries({ queryKey: keys.history(pkg.id) });
    onCancel();
  };

  return (
    <form className="usa-form" noValidate onSubmit={(e) => void submit(e)} data-testid="decision-form">
      <ModalHeading id={`${DIALOG}-heading`}>
        {words.heading}: {pkg.name}
      </ModalHeading>
      <div className="usa-prose">
        <p id={`${DIALOG}-description`}>{words.description}</p>
      </div>
      {changedMeanwhile ? (
        <ProblemAlert
          error={`Someone else changed ${pkg.name} after you opened this dialog, so nothing was recorded. Load the latest version and decide again.`}
          heading={words.failed}
        />
      ) : (
        <ProblemAlert error={failure} heading={words.failed} />
      )}
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
      <ModalFooter>
        <ButtonGroup>
          {changedMeanwhile ? (
            <Button type="button" onClick={() => void loadLatest()}>
              Load the latest version
            </Button>
          ) : (
            <Button type="submit" disabled={busy}>
              {words.submit}
            </Button>
          )}
          <Button type="button" unstyled className="padding-105 text-center" onClick={onCancel}>
            Cancel
          </Button>
        </ButtonGroup>
      </ModalFooter>
    </form>
  );
}
