import { Button } from '@trussworks/react-uswds';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { isApiError } from '../api/client.js';
import { useResubmitPackage, useSubmitPackage } from '../api/mutations.js';
import type { FieldError } from '../api/types.js';
import { TextField } from '../components/fields.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { RevisionSummary } from '../components/revision-summary.js';
import { fieldId } from '../form/fields.js';
import { STEPS, stepOf } from '../form/steps.js';
import type { PackageStepProps } from './step-props.js';

/** Everything before it goes: the rules' verdict, each linked to the step that fixes it. */
export function ReviewStep({
  pkg,
  form,
  state,
  errors: ruleErrors,
  expectedVersion,
}: PackageStepProps & {
  errors: readonly FieldError[];
  /** The version the editor's form was loaded from: what the user reviews is what goes to CMS. */
  expectedVersion: number;
}) {
  const navigate = useNavigate();
  const submit = useSubmitPackage();
  const resubmit = useResubmitPackage();
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const resubmitting = pkg.status === 'UNLOCKED';
  const revision = pkg.revisions[0]!;
  const errors = [...ruleErrors.filter((e) => e.path !== 'reason'), ...serverErrors];

  const send = async () => {
    setFailure(null);
    setServerErrors([]);
    if (resubmitting && !reason.trim()) {
      setServerErrors([{ path: 'reason', message: 'give a reason for the resubmission' }]);
      return;
    }
    setBusy(true);
    try {
      const done = resubmitting
        ? await resubmit.mutateAsync({ id: pkg.id, expectedVersion, reason })
        : await submit.mutateAsync({ id: pkg.id, expectedVersion });
      navigate(`/packages/${pkg.id}`, {
        state: { banner: `${done.name} was ${resubmitting ? 'resubmitted' : 'submitted'} to CMS.` },
      });
    } catch (e) {
      if (isApiError(e) && e.fieldErrors.length) setServerErrors(e.fieldErrors);
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const stepLabel = (path: string) => STEPS.find((s) => s.id === stepOf(path))?.label ?? '';
  return (
    <>
      {errors.length > 0 && (
        <div className="usa-alert usa-alert--warning" data-testid="review-problems">
          <div className="usa-alert__body">
            <h2 className="usa-alert__heading">Not ready to submit yet: {errors.length} to fix</h2>
            <ul className="usa-list">
              {errors.map((e) => (
                <li key={`${e.path}:${e.message}`}>
                  <Link to={`/packages/${pkg.id}/edit/${stepOf(e.path)}#${fieldId(e.path)}`}>
                    {stepLabel(e.path)}: {e.message}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {failure !== null && <ProblemAlert error={failure} heading="The package was not sent" />}
      <RevisionSummary
        form={form}
        documents={revision.documents}
        rates={revision.rates}
        current
        state={state}
        editBase={`/packages/${pkg.id}/edit`}
      />
      {resubmitting && (
        <TextField
          path="reason"
          label="Reason for resubmitting"
          hint="What changed since CMS unlocked the package."
          required
          multiline
          errors={serverErrors}
          value={reason}
          onChange={setReason}
        />
      )}
      <Button
        type="button"
        className="margin-top-3"
        disabled={busy || ruleErrors.some((e) => e.path !== 'reason')}
        onClick={() => void send()}
      >
        {resubmitting ? 'Resubmit' : 'Submit'}
      </Button>
    </>
  );
}
