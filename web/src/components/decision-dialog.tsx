/**
 * The pattern CMS decides by, on a package page (review-decisions.tsx) and on a rate page
 * (rate-decisions.tsx): a button for each decision the record allows now, and one USWDS modal
 * (focus kept inside, Escape closes) holding the decision's form. The form names the version the
 * user saw when opening the dialog; when someone else changed the record meanwhile, nothing is
 * recorded and the dialog offers the latest version. The API's field errors show on their fields.
 */
import {
  Button,
  ButtonGroup,
  Modal,
  ModalFooter,
  ModalHeading,
  type ModalRef,
} from '@trussworks/react-uswds';
import { type FormEvent, Fragment, type ReactNode, useRef, useState } from 'react';
import { isApiError } from '../api/client.js';
import type { FieldError } from '../api/types.js';
import { ProblemAlert } from './problem-alert.js';

/** What the dialog's form is given: the decision, the version seen on opening, and how to close. */
export interface ChosenDecision<D extends string> {
  decision: D;
  expectedVersion: number;
  onCancel: () => void;
}

/** The decision buttons and their dialog; nothing when the user may decide nothing here. */
export function DecisionDialog<D extends string>({
  dialogId,
  testId,
  decisions,
  version,
  opener,
  outline = () => true,
  form,
}: {
  dialogId: string;
  testId: string;
  decisions: readonly D[];
  /** The record's version now: the one a decision opened now is made against. */
  version: number;
  opener: (decision: D) => string;
  outline?: (decision: D) => boolean;
  /** The form for the chosen decision; it calls `close` once the decision is recorded. */
  form: (chosen: ChosenDecision<D>, close: () => void) => ReactNode;
}) {
  const modal = useRef<ModalRef>(null);
  // Which decision the dialog asks about, and the version of the record the user saw then.
  const [chosen, setChosen] = useState<{ decision: D; version: number; key: number } | null>(null);
  if (decisions.length === 0 && !chosen) return null;
  const open = (decision: D) => {
    setChosen({ decision, version, key: (chosen?.key ?? 0) + 1 });
    modal.current?.toggleModal(undefined, true);
  };
  const close = () => modal.current?.toggleModal(undefined, false);
  return (
    <>
      {decisions.length > 0 && (
        <section aria-label="CMS decisions" className="margin-y-2" data-testid={testId}>
          <ButtonGroup>
            {decisions.map((d) => (
              <Button
                key={d}
                type="button"
                outline={outline(d)}
                aria-haspopup="dialog"
                aria-controls={dialogId}
                onClick={() => open(d)}
              >
                {opener(d)}
              </Button>
            ))}
          </ButtonGroup>
        </section>
      )}
      <Modal
        ref={modal}
        id={dialogId}
        aria-labelledby={`${dialogId}-heading`}
        aria-describedby={`${dialogId}-description`}
      >
        {chosen && (
          // A new key per opening: each dialog starts with an empty form.
          <Fragment key={chosen.key}>
            {form({ decision: chosen.decision, expectedVersion: chosen.version, onCancel: close }, close)}
          </Fragment>
        )}
      </Modal>
    </>
  );
}

/** The API names body fields `body.reason` when its schema refuses them, `reason` when a rule does. */
const onFields = (errors: readonly FieldError[]) =>
  errors.map((e) => ({ ...e, path: e.path.replace(/^body\./, '') }));

/**
 * A decision form's state: its field errors, the failure of its last attempt, whether one is
 * under way. `attempt` shows the fields still missing, or else records the decision.
 */
export function useDecisionAttempt() {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const attempt = async (missing: FieldError[], record: () => Promise<void>) => {
    setFailure(null);
    setErrors(missing);
    if (missing.length > 0) return;
    setBusy(true);
    try {
      await record();
    } catch (err) {
      setErrors(isApiError(err) ? onFields(err.fieldErrors) : []);
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return { errors, failure, busy, attempt };
}

/** The frame of a decision form: heading, description, what went wrong, the fields, the buttons. */
export function DecisionForm({
  dialogId,
  testId,
  heading,
  description,
  failedHeading,
  submitLabel,
  failure,
  changedMeanwhile,
  changedMessage,
  busy,
  onSubmit,
  onLoadLatest,
  onCancel,
  children,
}: {
  dialogId: string;
  testId: string;
  heading: string;
  description: string;
  failedHeading: string;
  submitLabel: string;
  failure: unknown;
  /** The record changed since the dialog opened: offer the latest version instead of submitting. */
  changedMeanwhile: boolean;
  changedMessage: string;
  busy: boolean;
  onSubmit: () => void;
  onLoadLatest: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form className="usa-form" noValidate onSubmit={submit} data-testid={testId}>
      <ModalHeading id={`${dialogId}-heading`}>{heading}</ModalHeading>
      <div className="usa-prose">
        <p id={`${dialogId}-description`}>{description}</p>
      </div>
      <ProblemAlert error={changedMeanwhile ? changedMessage : failure} heading={failedHeading} />
      {children}
      <ModalFooter>
        <ButtonGroup>
          {changedMeanwhile ? (
            <Button type="button" onClick={onLoadLatest}>
              Load the latest version
            </Button>
          ) : (
            <Button type="submit" disabled={busy}>
              {submitLabel}
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
