/**
 * Form fields per USWDS form guidance: a visible label, an optional hint, the error message
 * between label and input, and both tied to the input with aria-describedby.
 */
import {
  Checkbox,
  ErrorMessage,
  Fieldset,
  FormGroup,
  Label,
  Radio,
  Select,
  Textarea,
  TextInput,
} from '@trussworks/react-uswds';
import type { ReactNode } from 'react';
import type { FieldError } from '../api/types.js';
import { fieldId, messagesFor, messagesUnder } from '../form/fields.js';

interface Common {
  path: string;
  label: string;
  hint?: ReactNode;
  errors: readonly FieldError[];
  required?: boolean;
}

function describedBy(id: string, hint: unknown, messages: string[]) {
  return (
    [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  );
}

function Messages({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return <ErrorMessage id={`${id}-error`}>{messages.join('; ')}</ErrorMessage>;
}

function Hint({ id, hint }: { id: string; hint: ReactNode }) {
  return hint ? (
    <div className="usa-hint" id={`${id}-hint`}>
      {hint}
    </div>
  ) : null;
}

function LabelText({ label, required }: { label: string; required?: boolean | undefined }) {
  return (
    <>
      {label}
      {required ? '' : <span className="usa-hint"> (optional)</span>}
    </>
  );
}

/** Label, hint and error message above one input, and the ids that tie them to it. */
function Frame(props: Common & { children: (input: InputProps) => ReactNode }) {
  const id = fieldId(props.path);
  const messages = messagesFor(props.errors, props.path);
  const invalid = messages.length > 0;
  return (
    <FormGroup error={invalid}>
      <Label htmlFor={id} error={invalid}>
        <LabelText label={props.label} required={props.required} />
      </Label>
      <Hint id={id} hint={props.hint} />
      <Messages id={id} messages={messages} />
      {props.children({
        id,
        name: id,
        'aria-describedby': describedBy(id, props.hint, messages),
        'aria-invalid': invalid || undefined,
        invalid,
      })}
    </FormGroup>
  );
}

interface InputProps {
  id: string;
  name: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  invalid: boolean;
}

export function TextField(
  props: Common & {
    value: string;
    onChange: (v: string) => void;
    type?: 'text' | 'email';
    multiline?: boolean;
  },
) {
  return (
    <Frame {...props}>
      {({ invalid, ...input }) => {
        const common = {
          ...input,
          value: props.value,
          validationStatus: invalid ? ('error' as const) : undefined,
        };
        return props.multiline ? (
          <Textarea {...common} onChange={(e) => props.onChange(e.target.value)} />
        ) : (
          <TextInput
            {...common}
            type={props.type ?? 'text'}
            onChange={(e) => props.onChange(e.target.value)}
          />
        );
      }}
    </Frame>
  );
}

/**
 * A calendar date as the domain keeps it (YYYY-MM-DD; empty means not given). The browser's own
 * date input gives ISO dates and a calendar; USWDS's date picker types MM/DD/YYYY.
 */
export function DateField(
  props: Common & { value: string | undefined; onChange: (v: string | undefined) => void },
) {
  return (
    <Frame {...props}>
      {({ invalid, ...input }) => (
        <input
          {...input}
          value={props.value ?? ''}
          className={`usa-input usa-input--medium${invalid ? ' usa-input--error' : ''}`}
          type="date"
          onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      )}
    </Frame>
  );
}

export function SelectField(
  props: Common & {
    value: string;
    onChange: (v: string) => void;
    options: readonly { value: string; label: string }[];
    emptyLabel?: string;
  },
) {
  return (
    <Frame {...props}>
      {({ invalid, ...input }) => (
        <Select
          {...input}
          value={props.value}
          validationStatus={invalid ? 'error' : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        >
          <option value="">{props.emptyLabel ?? '- Select -'}</option>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      )}
    </Frame>
  );
}

/** Name, title and email of a person (a state contact, an actuary) at `path`. */
export function PersonFields<P extends { name: string; title: string; email: string }>({
  path,
  person,
  errors,
  set,
}: {
  path: string;
  person: P;
  errors: readonly FieldError[];
  set: (patch: Partial<P>) => void;
}) {
  return (
    <>
      <TextField
        path={`${path}.name`}
        label="Name"
        required
        errors={errors}
        value={person.name}
        onChange={(name) => set({ name } as Partial<P>)}
      />
      <TextField
        path={`${path}.title`}
        label="Title/role"
        required
        errors={errors}
        value={person.title}
        onChange={(title) => set({ title } as Partial<P>)}
      />
      <TextField
        path={`${path}.email`}
        label="Email"
        type="email"
        required
        errors={errors}
        value={person.email}
        onChange={(email) => set({ email } as Partial<P>)}
      />
    </>
  );
}

/** Several choices (checkboxes) or one (radios) inside a fieldset whose legend is the question. */
export function ChoiceGroup(
  props: Common & {
    options: readonly { value: string; label: string }[];
    selected: readonly string[];
    onChange: (values: string[]) => void;
    single?: boolean;
  },
) {
  const id = fieldId(props.path);
  // Errors on items (`formData.programIds.0`) are shown on the group.
  const messages = messagesUnder(props.errors, props.path);
  return (
    <FormGroup error={messages.length > 0}>
      <Fieldset
        id={id}
        tabIndex={-1}
        legend={<LabelText label={props.label} required={props.required} />}
        legendStyle="default"
        aria-describedby={describedBy(id, props.hint, messages)}
      >
        <Hint id={id} hint={props.hint} />
        <Messages id={id} messages={messages} />
        {props.options.map((o) => {
          const optionId = `${id}-${fieldId(o.value)}`;
          const checked = props.selected.includes(o.value);
          const Input = props.single ? Radio : Checkbox;
          return (
            <Input
              key={o.value}
              id={optionId}
              name={id}
              label={o.label}
              value={o.value}
              checked={checked}
              onChange={(e) => {
                if (props.single) props.onChange([o.value]);
                else
                  props.onChange(
                    e.target.checked
                      ? [...props.selected, o.value]
                      : props.selected.filter((v) => v !== o.value),
                  );
              }}
            />
          );
        })}
      </Fieldset>
    </FormGroup>
  );
}

/** One choice (radios): the chosen value, or none yet; `onChange` gets the value picked. */
export function RadioGroup<V extends string>({
  value,
  onChange,
  ...props
}: Common & {
  options: readonly { value: V; label: string }[];
  value: V | undefined;
  onChange: (value: V) => void;
}) {
  return (
    <ChoiceGroup
      {...props}
      single
      selected={value === undefined ? [] : [value]}
      onChange={([picked]) => onChange(picked as V)}
    />
  );
}
