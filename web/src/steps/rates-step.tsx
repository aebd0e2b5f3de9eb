import { MAX_RATE_CERTIFICATIONS } from '@carepack/domain/form-data.js';
import { rateCertificationName } from '@carepack/domain/naming.js';
import { Button, Fieldset } from '@trussworks/react-uswds';
import type { PackageView, RateCertification } from '../api/types.js';
import {
  ChoiceGroup,
  DateField,
  PersonFields,
  RadioGroup,
  SelectField,
  TextField,
} from '../components/fields.js';
import { ratesById } from '../components/rate-links.js';
import { fieldId } from '../form/fields.js';
import {
  ACTUARIAL_FIRMS,
  CAPITATION_TYPES,
  COMMUNICATION_PREFERENCES,
  MEDICAID_POPULATION_OPTIONS,
  RATE_TYPES,
} from '../form/labels.js';
import { LinkedRate } from './linked-rate.js';
import { RateLinkSearch } from './rate-link-search.js';
import type { RateLinkActions, StepProps } from './step-props.js';

type Actuary = RateCertification['certifyingActuaries'][number];
const EMPTY_ACTUARY: Actuary = { name: '', title: '', email: '' };

export function newRate(): RateCertification {
  return { id: crypto.randomUUID(), rateProgramIds: [], certifyingActuaries: [EMPTY_ACTUARY] };
}

function RateFields({
  rate,
  at,
  index,
  form,
  errors,
  state,
  set,
  remove,
}: Omit<StepProps, 'update'> & {
  rate: RateCertification;
  at: string;
  index: number;
  set: (patch: Partial<RateCertification>) => void;
  remove?: () => void;
}) {
  const programs = state.programs.filter((p) => form.programIds.includes(p.id));
  const name = rateCertificationName(
    state.code,
    state.programs.filter((p) => rate.rateProgramIds.includes(p.id)),
    rate,
  );
  const setActuary = (i: number, patch: Partial<Actuary>) =>
    set({ certifyingActuaries: rate.certifyingActuaries.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  return (
    <Fieldset legend={`Rate certification ${index + 1}`} legendStyle="large" className="margin-bottom-4">
      <p className="margin-y-1">
        Rate certification name: <strong data-testid={`rate-certification-name-${index}`}>{name}</strong>
        <span className="usa-hint display-block">Made from the state, programs and dates below.</span>
      </p>
      <RadioGroup
        path={`${at}.rateType`}
        label="Rate certification type"
        required
        errors={errors}
        options={RATE_TYPES}
        value={rate.rateType}
        onChange={(rateType) => set({ rateType })}
      />
      <RadioGroup
        path={`${at}.capitationType`}
        label="Does the actuary certify capitation rates specific to each rate cell or a rate range?"
        required
        errors={errors}
        options={CAPITATION_TYPES}
        value={rate.capitationType}
        onChange={(capitationType) => set({ capitationType })}
      />
      <ChoiceGroup
        path={`${at}.rateProgramIds`}
        label="Programs this rate certification covers"
        hint={programs.length ? undefined : 'Choose the package programs first (Submission details).'}
        required
        errors={errors}
        options={programs.map((p) => ({ value: p.id, label: p.name }))}
        selected={rate.rateProgramIds}
        onChange={(rateProgramIds) => set({ rateProgramIds })}
      />
      <DateField
        path={`${at}.rateDateStart`}
        label="Rating period start date"
        required
        errors={errors}
        value={rate.rateDateStart}
        onChange={(v) => set({ rateDateStart: v })}
      />
      <DateField
        path={`${at}.rateDateEnd`}
        label="Rating period end date"
        required
        errors={errors}
        value={rate.rateDateEnd}
        onChange={(v) => set({ rateDateEnd: v })}
      />
      <DateField
        path={`${at}.rateDateCertified`}
        label="Date certified"
        required
        errors={errors}
        value={rate.rateDateCertified}
        onChange={(v) => set({ rateDateCertified: v })}
      />
      {rate.rateType === 'AMENDMENT' && (
        <>
          <DateField
            path={`${at}.effectiveDateStart`}
            label="Amendment effective start date"
            required
            errors={errors}
            value={rate.effectiveDateStart}
            onChange={(v) => set({ effectiveDateStart: v })}
          />
          <DateField
            path={`${at}.effectiveDateEnd`}
            label="Amendment effective end date"
            required
            errors={errors}
            value={rate.effectiveDateEnd}
            onChange={(v) => set({ effectiveDateEnd: v })}
          />
        </>
      )}
      {form.dsnpContract && (
        <ChoiceGroup
          path={`${at}.medicaidPopulations`}
          label="Which Medicaid populations does this rate certification cover?"
          hint="Asked because the contract is associated with a D-SNP."
          required
          errors={errors}
          options={MEDICAID_POPULATION_OPTIONS}
          selected={rate.medicaidPopulations ?? []}
          onChange={(v) => set({ medicaidPopulations: v as RateCertification['medicaidPopulations'] })}
        />
      )}
      <h2 id={fieldId(`${at}.certifyingActuaries`)} tabIndex={-1}>
        Certifying actuaries
      </h2>
      {rate.certifyingActuaries.map((a, i) => {
        const ap = `${at}.certifyingActuaries.${i}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: actuaries have no identity but their place
          <Fieldset key={i} legend={`Actuary ${i + 1}`} legendStyle="default">
            <PersonFields path={ap} person={a} errors={errors} set={(patch) => setActuary(i, patch)} />
            <SelectField
              path={`${ap}.actuarialFirm`}
              label="Actuarial firm"
              required
              errors={errors}
              options={ACTUARIAL_FIRMS}
              value={a.actuarialFirm ?? ''}
              onChange={(v) => setActuary(i, { actuarialFirm: (v || undefined) as Actuary['actuarialFirm'] })}
            />
            {a.actuarialFirm === 'OTHER' && (
              <TextField
                path={`${ap}.actuarialFirmOther`}
                label="Firm name"
                required
                errors={errors}
                value={a.actuarialFirmOther ?? ''}
                onChange={(actuarialFirmOther) => setActuary(i, { actuarialFirmOther })}
              />
            )}
            {rate.certifyingActuaries.length > 1 && (
              <Button
                type="button"
                unstyled
                onClick={() =>
                  set({ certifyingActuaries: rate.certifyingActuaries.filter((_, j) => j !== i) })
                }
              >
                Remove actuary {i + 1}
              </Button>
            )}
          </Fieldset>
        );
      })}
      {rate.certifyingActuaries.length < 5 && (
        <Button
          type="button"
          outline
          className="margin-top-2"
          onClick={() => set({ certifyingActuaries: [...rate.certifyingActuaries, EMPTY_ACTUARY] })}
        >
          Add an actuary to rate certification {index + 1}
        </Button>
      )}
      {remove ? (
        <Button type="button" secondary className="margin-top-2" onClick={remove}>
          Remove rate certification {index + 1}
        </Button>
      ) : (
        <p className="usa-hint">Submitted to CMS before, it stays with this package (CMS may withdraw it).</p>
      )}
    </Fieldset>
  );
}

export function RatesStep({
  pkg,
  links,
  ...props
}: StepProps & {
  /** The saved package (the step comes after its first save): which rates are linked from elsewhere. */
  pkg?: PackageView | undefined;
  links?: RateLinkActions | undefined;
}) {
  const { form, update, errors, state } = props;
  const rates = form.rateCertifications;
  const shown = ratesById(pkg?.revisions[0]?.rates);
  const setRate = (i: number, patch: Partial<RateCertification>) =>
    update({ rateCertifications: rates.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <>
      <p className="usa-hint" id="formData-rateCertifications" tabIndex={-1}>
        Each rate certification, with the actuaries who certified it. Its documents are attached on the
        Documents step.
      </p>
      {rates.map((r, i) => {
        const view = shown.get(r.id);
        return view && !view.isChild && links ? (
          <LinkedRate
            key={r.id}
            rate={view}
            index={i}
            at={`formData.rateCertifications.${i}`}
            errors={errors}
            onUnlink={() => links.unlink(r.id)}
            onLoadLatest={links.loadLatest}
          />
        ) : (
          <RateFields
            key={r.id}
            {...props}
            rate={r}
            at={`formData.rateCertifications.${i}`}
            index={i}
            set={(patch) => setRate(i, patch)}
            remove={
              // Once submitted, a rate stays with its package (CMS withdraws it instead).
              view?.latestSubmittedRevision
                ? undefined
                : () => update({ rateCertifications: rates.filter((_, j) => j !== i) })
            }
          />
        );
      })}
      {rates.length < MAX_RATE_CERTIFICATIONS && (
        <Button type="button" outline onClick={() => update({ rateCertifications: [...rates, newRate()] })}>
          {rates.length ? 'Add another rate certification' : 'Add a rate certification'}
        </Button>
      )}
      {links && (
        <RateLinkSearch
          stateCode={state.code}
          carried={new Set(rates.map((r) => r.id))}
          onLink={(rate) => links.link(rate.id)}
          onLoadLatest={links.loadLatest}
        />
      )}
      <RadioGroup
        path="formData.actuaryCommunicationPreference"
        label="Actuaries' communication preference"
        required
        errors={errors}
        options={COMMUNICATION_PREFERENCES}
        value={form.actuaryCommunicationPreference}
        onChange={(actuaryCommunicationPreference) => update({ actuaryCommunicationPreference })}
      />
    </>
  );
}
