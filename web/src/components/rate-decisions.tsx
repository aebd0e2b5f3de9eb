/**
 * CMS's decisions on a rate's own page — withdraw it from every package carrying it, or undo
 * that — as the package page's decisions work (review-decisions.tsx): a button per decision the
 * rate allows now, and a USWDS modal asking the reason. The decision names the rate version the
 * user saw when opening the dialog; when the rate changed meanwhile nothing is recorded and the
 * dialog offers the latest version. The API's field errors show on their fields.
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
import { useUndoRateWithdrawal, useWithdrawRate } from '../api/mutations.js';
import { keys } from '../api/queries.js';
import type { FieldError, RateView, User } from '../api/types.js';
import { TextField } from './fields.js';
import { ProblemAlert } from './problem-alert.js';
import { type RateDecision, rateDecisions } from './rate-links.js';

const WORDS: Record<
  RateDecision,
  {
    opener: string;
    heading: string;
    description: string;
    submit: string;
    reasonLabel: string;
    failed: string;
  }
> = {
  WITHDRAW: {
    opener: 'Withdraw rate',
    heading: 'Withdraw this rate certification',
    description:
      'Every package carrying it gets a new revision without it, at once. Refused while one of them is approved or unlocked.',
    submit: 'Withdraw the rate',
    reasonLabel: 'Reason for withdrawing the rate',
    failed: 'The rate certification was not withdrawn',
  },
  UNDO_WITHDRAWAL: {
    opener: 'Undo withdrawal',
    heading: 'Undo the withdrawal of this rate certification',
    description:
      'The packages it was withdrawn from carry it again (each gets a new revision), unless one was approved or withdrawn since.',
    submit: 'Undo the rate’s withdrawal',
    reasonLabel: 'Reason for undoing the withdrawal',
    failed: 'The withdrawal was not undone',
  },
};

const DIALOG = 'rate-decision';

/** The API names body fields `body.reason` when its schema refuses them, `reason` when a rule does. */
const onFields = (errors: readonly FieldError[]) =>
  errors.map((e) => ({ ...e, path: e.path.replace(/^body\./, '') }));

export function RateDecisions({
  rate,
  user,
  onDone,
}: {
  rate: RateView;
  user: User;
  onDone: (message: string) => void;
}) {
  const modal = useRef<ModalRef>(null);
  const [chosen, setChosen] = useState<{ decision: RateDecision; version: number; key: number } | null>(null);
  const decisions = rateDecisions(rate, user);
  if (decisions.length === 0 && !chosen) return null;
  const open = (decision: RateDecision) => {
    setChosen({ decision, version: rate.version, key: (chosen?.key ?? 0) + 1 });
    modal.current?.toggleModal(undefined, true);
  };
  const close = () => modal.current?.toggleModal(undefined, false);
  return (
    <>
      {decisions.length > 0 && (
        <section aria-label="CMS decisions" className="margin-y-2" data-testid="rate-decisions">
          <ButtonGroup>
            {decisions.map((d) => (
              <Button
                key={d}
                type="button"
                outline
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
          <RateDecisionForm
            key={chosen.key}
            rate={rate}
            decision={chosen.decision}
            expectedVersion={chosen.version}
            onCancel={close}
            onDone={(after) => {
              close();
              onDone(
                chosen.decision === 'WITHDRAW'
                  ? `${after.rateNumber} was withdrawn from every package carrying it.`
                  : `The withdrawal of ${after.rateNumber} was undone.`,
              );
            }}
          />
        )}
      </Modal>
    </>
  );
}

function RateDecisionForm({
  rate,
  decision,
  expectedVersion,
  onCancel,
  onDone,
}: {
  rate: RateView;
  decision: RateDecision;
  expectedVersion: number;
  onCancel: () => void;
  onDone: (after: RateView) => void;
}) {
  const words = WORDS[decision];
  const mutations = { WITHDRAW: useWithdrawRate(), UNDO_WITHDRAWAL: useUndoRateWithdrawal() };
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const changedMeanwhile = isApiError(failure) && failure.code === 'VERSION_CONFLICT';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    if (!reason.trim()) {
      setErrors([{ path: 'reason', message: 'give a reason' }]);
      return;
    }
    setErrors([]);
    setBusy(true);
    try {
      onDone(await mutations[decision].mutateAsync({ id: rate.id, expectedVersion, reason }));
    } catch (err) {
      setErrors(isApiError(err) ? onFields(err.fieldErrors) : []);
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const loadLatest = async () => {
    await client.invalidateQueries({ queryKey: keys.rate(rate.id) });
    onCancel();
  };

  return (
    <form className="usa-form" noValidate onSubmit={(e) => void submit(e)} data-testid="rate-decision-form">
      <ModalHeading id={`${DIALOG}-heading`}>
        {words.heading}: {rate.rateNumber}
      </ModalHeading>
      <div className="usa-prose">
        <p id={`${DIALOG}-description`}>{words.description}</p>
      </div>
      {changedMeanwhile ? (
        <ProblemAlert
          error={`Someone else changed ${rate.rateNumber} after you opened this dialog, so nothing was recorded. Load the latest version and decide again.`}
          heading={words.failed}
        />
      ) : (
        <ProblemAlert error={failure} heading={words.failed} />
      )}
      <TextField
        path="reason"
        label={words.reasonLabel}
        hint="The state sees this; it is kept in the history of every package concerned."
        required
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
