/**
 * CMS's decisions on a rate's own page: withdraw it from every package carrying it, or undo
 * that. The dialog and its handling of a rate changed meanwhile are decision-dialog.tsx's.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../api/client.js';
import { useUndoRateWithdrawal, useWithdrawRate } from '../api/mutations.js';
import { keys } from '../api/queries.js';
import type { RateView, User } from '../api/types.js';
import { type ChosenDecision, DecisionDialog, DecisionForm, useDecisionAttempt } from './decision-dialog.js';
import { TextField } from './fields.js';
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

export function RateDecisions({
  rate,
  user,
  onDone,
}: {
  rate: RateView;
  user: User;
  onDone: (message: string) => void;
}) {
  return (
    <DecisionDialog
      dialogId={DIALOG}
      testId="rate-decisions"
      decisions={rateDecisions(rate, user)}
      version={rate.version}
      opener={(d) => WORDS[d].opener}
      form={(chosen, close) => (
        <RateDecisionForm
          rate={rate}
          {...chosen}
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
    />
  );
}

function RateDecisionForm({
  rate,
  decision,
  expectedVersion,
  onCancel,
  onDone,
}: ChosenDecision<RateDecision> & {
  rate: RateView;
  onDone: (after: RateView) => void;
}) {
  const words = WORDS[decision];
  const mutations = { WITHDRAW: useWithdrawRate(), UNDO_WITHDRAWAL: useUndoRateWithdrawal() };
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const { errors, failure, busy, attempt } = useDecisionAttempt();

  const submit = () =>
    attempt(reason.trim() ? [] : [{ path: 'reason', message: 'give a reason' }], async () =>
      onDone(await mutations[decision].mutateAsync({ id: rate.id, expectedVersion, reason })),
    );

  const loadLatest = async () => {
    await client.invalidateQueries({ queryKey: keys.rate(rate.id) });
    onCancel();
  };

  return (
    <DecisionForm
      dialogId={DIALOG}
      testId="rate-decision-form"
      heading={`${words.heading}: ${rate.rateNumber}`}
      description={words.description}
      failedHeading={words.failed}
      submitLabel={words.submit}
      failure={failure}
      changedMeanwhile={isApiError(failure) && failure.code === 'VERSION_CONFLICT'}
      changedMessage={`Someone else changed ${rate.rateNumber} after you opened this dialog, so nothing was recorded. Load the latest version and decide again.`}
      busy={busy}
      onSubmit={() => void submit()}
      onLoadLatest={() => void loadLatest()}
      onCancel={onCancel}
    >
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
    </DecisionForm>
  );
}
