import { ErrorMessage, Fieldset } from '@trussworks/react-uswds';
import type { FormData } from '../api/types.js';
import { ChoiceGroup, DateField, RadioGroup } from '../components/fields.js';
import { fieldId, messagesFor } from '../form/fields.js';
import {
  CONTRACT_EXECUTION_STATUSES,
  CONTRACT_TYPES,
  FEDERAL_AUTHORITIES,
  ITEMS_BEING_AMENDED,
  labelOf,
  MANAGED_CARE_ENTITIES,
  MODIFIED_PROVISION_OPTIONS,
  POPULATIONS_COVERED,
  YES_NO,
  yesNo,
} from '../form/labels.js';
import type { StepProps } from './step-props.js';

type Provision = keyof NonNullable<FormData['modifiedProvisions']>;

/** An amendment's yes/no answer on every provision CMS's contract review checks. */
function ProvisionAnswers({ form, update, errors }: StepProps) {
  const path = 'formData.modifiedProvisions';
  const id = fieldId(path);
  const messages = messagesFor(errors, path);
  const answers = form.modifiedProvisions ?? {};
  const answer = (p: Provision, yes: boolean) => update({ modifiedProvisions: { ...answers, [p]: yes } });
  return (
    <Fieldset
      id={id}
      tabIndex={-1}
      legend="Does this amendment modify these provisions of the contract?"
      legendStyle="large"
      aria-describedby={`${id}-hint${messages.length ? ` ${id}-error` : ''}`}
      className="margin-top-4"
    >
      <div className="usa-hint" id={`${id}-hint`}>
        Answer yes or no for each provision.
      </div>
      {messages.length > 0 && <ErrorMessage id={`${id}-error`}>{messages.join('; ')}</ErrorMessage>}
      {form.itemsBeingAmended.length > 0 && (
        <p className="usa-hint" data-testid="earlier-items-being-amended">
          An earlier version of this form listed the items being amended as:{' '}
          {form.itemsBeingAmended.map((i) => labelOf(ITEMS_BEING_AMENDED, i)).join('; ')}
          {form.otherItemBeingAmended ? ` (${form.otherItemBeingAmended})` : ''}.
        </p>
      )}
      {MODIFIED_PROVISION_OPTIONS.map(({ value, label }) => (
        <RadioGroup
          key={value}
          path={`${path}.${value}`}
          label={label}
          required
          errors={errors}
          options={YES_NO}
          value={yesNo(answers[value])}
          onChange={(v) => answer(value, v === 'yes')}
        />
      ))}
    </Fieldset>
  );
}

export function ContractStep(props: StepProps) {
  const { form, update, errors } = props;
  return (
    <>
      <RadioGroup
        path="formData.contractType"
        label="Contract action type"
        required
        errors={errors}
        options={CONTRACT_TYPES}
        value={form.contractType}
        onChange={(contractType) =>
          // Only an amendment answers which provisions it modifies: a base contract drops the answers.
          update(
            contractType === 'AMENDMENT' ? { contractType } : { contractType, modifiedProvisions: undefined },
          )
        }
      />
      <RadioGroup
        path="formData.contractExecutionStatus"
        label="Is this contract action fully executed?"
        required
        errors={errors}
        options={CONTRACT_EXECUTION_STATUSES}
        value={form.contractExecutionStatus}
        onChange={(contractExecutionStatus) => update({ contractExecutionStatus })}
      />
      <DateField
        path="formData.contractDateStart"
        label="Contract start date"
        required
        errors={errors}
        value={form.contractDateStart}
        onChange={(v) => update({ contractDateStart: v })}
      />
      <DateField
        path="formData.contractDateEnd"
        label="Contract end date"
        required
        errors={errors}
        value={form.contractDateEnd}
        onChange={(v) => update({ contractDateEnd: v })}
      />
      <RadioGroup
        path="formData.populationCovered"
        label="Which populations does this contract action cover?"
        hint={
          form.populationCovered === 'CHIP' && form.submissionType === 'CONTRACT_AND_RATES'
            ? 'A CHIP-only submission carries no rate certifications: make it a contract action only (Submission details).'
            : undefined
        }
        required
        errors={errors}
        options={POPULATIONS_COVERED}
        value={form.populationCovered}
        onChange={(populationCovered) => update({ populationCovered })}
      />
      <ChoiceGroup
        path="formData.managedCareEntities"
        label="Managed care entities"
        required
        errors={errors}
        options={MANAGED_CARE_ENTITIES}
        selected={form.managedCareEntities}
        onChange={(v) => update({ managedCareEntities: v as FormData['managedCareEntities'] })}
      />
      <ChoiceGroup
        path="formData.federalAuthorities"
        label="Active federal operating authorities"
        required
        errors={errors}
        options={FEDERAL_AUTHORITIES}
        selected={form.federalAuthorities}
        onChange={(v) => update({ federalAuthorities: v as FormData['federalAuthorities'] })}
      />
      <RadioGroup
        path="formData.riskBasedContract"
        label="Is this a risk-based contract?"
        hint="See 42 CFR § 438.2."
        required
        errors={errors}
        options={YES_NO}
        value={yesNo(form.riskBasedContract)}
        onChange={(v) => update({ riskBasedContract: v === 'yes' })}
      />
      <RadioGroup
        path="formData.dsnpContract"
        label="Is this contract associated with a Dual-Eligible Special Needs Plan (D-SNP)?"
        hint="A D-SNP contract's rate certifications name the Medicaid populations they cover."
        required
        errors={errors}
        options={YES_NO}
        value={yesNo(form.dsnpContract)}
        onChange={(v) =>
          update(
            v === 'yes'
              ? { dsnpContract: true }
              : {
                  dsnpContract: false,
                  // Populations are asked only of a D-SNP contract's rates: drop stale answers.
                  rateCertifications: form.rateCertifications.map(({ medicaidPopulations: _, ...r }) => r),
                },
          )
        }
      />
      {form.contractType === 'AMENDMENT' && <ProvisionAnswers {...props} />}
    </>
  );
}
