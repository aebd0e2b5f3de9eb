import type { FormData } from '../api/types.js';
import { ChoiceGroup, DateField, RadioGroup, TextField } from '../components/fields.js';
import {
  CONTRACT_TYPES,
  FEDERAL_AUTHORITIES,
  ITEMS_BEING_AMENDED,
  MANAGED_CARE_ENTITIES,
} from '../form/labels.js';
import type { StepProps } from './step-props.js';

export function ContractStep({ form, update, errors }: StepProps) {
  return (
    <>
      <RadioGroup
        path="formData.contractType"
        label="Contract action type"
        required
        errors={errors}
        options={CONTRACT_TYPES}
        value={form.contractType}
        onChange={(contractType) => update({ contractType })}
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
      {form.contractType === 'AMENDMENT' && (
        <>
          <ChoiceGroup
            path="formData.itemsBeingAmended"
            label="Items being amended"
            required
            errors={errors}
            options={ITEMS_BEING_AMENDED}
            selected={form.itemsBeingAmended}
            onChange={(v) => update({ itemsBeingAmended: v as FormData['itemsBeingAmended'] })}
          />
          {form.itemsBeingAmended.includes('OTHER') && (
            <TextField
              path="formData.otherItemBeingAmended"
              label="Other item being amended"
              required
              errors={errors}
              value={form.otherItemBeingAmended ?? ''}
              onChange={(otherItemBeingAmended) => update({ otherItemBeingAmended })}
            />
          )}
        </>
      )}
    </>
  );
}
