import { Button, Fieldset } from '@trussworks/react-uswds';
import type { FormData } from '../api/types.js';
import { PersonFields } from '../components/fields.js';
import type { StepProps } from './step-props.js';

type Contact = FormData['stateContacts'][number];
const EMPTY: Contact = { name: '', title: '', email: '' };

export function ContactsStep({ form, update, errors }: StepProps) {
  const contacts = form.stateContacts.length ? form.stateContacts : [EMPTY];
  const set = (i: number, patch: Partial<Contact>) =>
    update({ stateContacts: contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <>
      <p className="usa-hint" id="formData-stateContacts">
        Who CMS should contact about this submission. Add at least one.
      </p>
      {contacts.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: contacts have no identity but their place
        <Fieldset key={i} legend={`State contact ${i + 1}`} legendStyle="large">
          <PersonFields
            path={`formData.stateContacts.${i}`}
            person={c}
            errors={errors}
            set={(patch) => set(i, patch)}
          />
          {contacts.length > 1 && (
            <Button
              type="button"
              unstyled
              onClick={() => update({ stateContacts: contacts.filter((_, j) => j !== i) })}
            >
              Remove contact {i + 1}
            </Button>
          )}
        </Fieldset>
      ))}
      {contacts.length < 10 && (
        <Button
          type="button"
          outline
          className="margin-top-2"
          onClick={() => update({ stateContacts: [...contacts, EMPTY] })}
        >
          Add another contact
        </Button>
      )}
    </>
  );
}
