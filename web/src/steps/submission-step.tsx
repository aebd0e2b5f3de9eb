import { descriptionLength, MAX_SUBMIT_DESCRIPTION } from '@carepack/domain/validate-submit.js';
import { ChoiceGroup, RadioGroup, TextField } from '../components/fields.js';
import { SUBMISSION_TYPES } from '../form/labels.js';
import type { StepProps } from './step-props.js';

export function SubmissionStep({ form, update, errors, state }: StepProps) {
  return (
    <>
      <ChoiceGroup
        path="formData.programIds"
        label="Programs this submission covers"
        hint={`The managed-care programs of ${state.name}; they make up the package name.`}
        required
        errors={errors}
        options={state.programs.map((p) => ({ value: p.id, label: `${p.name} – ${p.fullName}` }))}
        selected={form.programIds}
        onChange={(programIds) => update({ programIds })}
      />
      <RadioGroup
        path="formData.submissionType"
        label="What is this submission?"
        required
        errors={errors}
        options={SUBMISSION_TYPES}
        value={form.submissionType}
        onChange={(value) =>
          update(
            value === 'CONTRACT_ONLY'
              ? // A contract-only package carries no rates: drop them rather than submit stale ones.
                {
                  submissionType: 'CONTRACT_ONLY',
                  rateCertifications: [],
                  actuaryCommunicationPreference: undefined,
                }
              : { submissionType: 'CONTRACT_AND_RATES' },
          )
        }
      />
      <RadioGroup
        path="formData.relatedToCovid19"
        label="Is this submission related to the COVID-19 public health emergency?"
        errors={errors}
        options={[
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ]}
        value={form.relatedToCovid19 === undefined ? undefined : form.relatedToCovid19 ? 'yes' : 'no'}
        onChange={(v) => update({ relatedToCovid19: v === 'yes' })}
      />
      <TextField
        path="formData.submissionDescription"
        label="Submission description"
        hint={`What the contract action and any rate certifications do, in a few sentences: at most ${MAX_SUBMIT_DESCRIPTION.toLocaleString('en-US')} characters (${descriptionLength(form.submissionDescription).toLocaleString('en-US')} used).`}
        required
        multiline
        errors={errors}
        value={form.submissionDescription}
        onChange={(submissionDescription) => update({ submissionDescription })}
      />
    </>
  );
}
