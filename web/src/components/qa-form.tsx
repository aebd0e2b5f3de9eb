/**
 * One form for CMS's question and the state's response: optional text, (for a question) an
 * optional rate certification, and at least one document, sent in one upload with a progress
 * bar. The API's field errors come back on their fields (and in a summary that takes focus).
 * A refusal because the package moved on meanwhile (409: another reviewer asked first, the
 * state already answered) is said in words; the form keeps what was typed until the user
 * loads the latest package.
 */
import { MAX_QA_DOCUMENTS } from '@carepack/domain/questions.js';
import {
  Button,
  ButtonGroup,
  ErrorMessage,
  FileInput,
  type FileInputRef,
  FormGroup,
  Label,
} from '@trussworks/react-uswds';
import { type FormEvent, useRef, useState } from 'react';
import { isApiError } from '../api/client.js';
import type { FieldError, Question } from '../api/types.js';
import { messagesFor } from '../form/fields.js';
import { DOCUMENT_ACCEPT } from '../form/labels.js';
import { ErrorSummary } from './error-summary.js';
import { SelectField, TextField } from './fields.js';
import { formatSize } from './format.js';
import { ProblemAlert } from './problem-alert.js';
import { onQaFields } from './questions.js';

export interface QaValues {
  text: string;
  rateId?: string | undefined;
  files: File[];
  onProgress: (fraction: number) => void;
}

interface Words {
  textLabel: string;
  textHint: string;
  submit: string;
  failed: string;
  /** What a 409 means here: the package moved on while the form was open. */
  conflict: string;
}

export function QaForm({
  words,
  rates,
  send,
  onSent,
  onLoadLatest,
}: {
  words: Words;
  /** The rate certifications a question may be about; none for a response. */
  rates?: readonly { value: string; label: string }[];
  send: (values: QaValues) => Promise<Question>;
  onSent: (question: Question) => void;
  onLoadLatest: () => void;
}) {
  const fileInput = useRef<FileInputRef>(null);
  const [text, setText] = useState('');
  const [rateId, setRateId] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const fileMessages = messagesFor(errors, 'file');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const missing: FieldError[] = [];
    if (files.length === 0) missing.push({ path: 'file', message: 'attach at least one document' });
    if (files.length > MAX_QA_DOCUMENTS)
      missing.push({ path: 'file', message: `attach at most ${MAX_QA_DOCUMENTS} documents` });
    setErrors(missing);
    if (missing.length > 0) return;
    setProgress(0);
    try {
      const question = await send({ text, rateId: rateId || undefined, files, onProgress: setProgress });
      setText('');
      setRateId('');
      setFiles([]);
      fileInput.current?.clearFiles();
      onSent(question);
    } catch (err) {
      setErrors(isApiError(err) ? onQaFields(err.fieldErrors) : []);
      setFailure(err);
    } finally {
      setProgress(undefined);
    }
  };

  const conflict = isApiError(failure, 409) && failure.fieldErrors.length === 0;
  return (
    <form className="usa-form maxw-tablet" noValidate onSubmit={(e) => void submit(e)} data-testid="qa-form">
      <ErrorSummary errors={errors} />
      {conflict ? (
        <ProblemAlert error={words.conflict} heading={words.failed} />
      ) : (
        errors.length === 0 && <ProblemAlert error={failure} heading={words.failed} />
      )}
      <TextField
        path="text"
        label={words.textLabel}
        hint={words.textHint}
        multiline
        errors={errors}
        value={text}
        onChange={setText}
      />
      {rates && rates.length > 0 && (
        <SelectField
          path="rateId"
          label="Rate certification these questions are about"
          hint="Choose one when the questions are about a single rate certification (the actuaries may be told)."
          emptyLabel="None in particular"
          options={rates}
          errors={errors}
          value={rateId}
          onChange={setRateId}
        />
      )}
      <FormGroup error={fileMessages.length > 0}>
        <Label htmlFor="file" error={fileMessages.length > 0}>
          Documents
        </Label>
        <div className="usa-hint" id="file-hint">
          At least one, at most {MAX_QA_DOCUMENTS}: PDF, Word, Excel, CSV or text. Choose them all at once.
        </div>
        {fileMessages.length > 0 && <ErrorMessage id="file-error">{fileMessages.join('; ')}</ErrorMessage>}
        <FileInput
          ref={fileInput}
          id="file"
          name="file"
          multiple
          accept={DOCUMENT_ACCEPT}
          aria-describedby={fileMessages.length > 0 ? 'file-hint file-error' : 'file-hint'}
          aria-invalid={fileMessages.length > 0 || undefined}
          onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
        />
      </FormGroup>
      {files.length > 0 && (
        // The file input's own preview is hidden from screen readers: this list says what was chosen.
        <ul className="usa-sr-only" aria-label="Documents chosen" data-testid="chosen-files">
          {files.map((f) => (
            <li key={f.name}>
              {f.name} ({formatSize(f.size)})
            </li>
          ))}
        </ul>
      )}
      {progress !== undefined && (
        <div className="margin-y-1">
          <label htmlFor="qa-upload-progress">
            Uploading {files.length} document{files.length === 1 ? '' : 's'}
          </label>
          <progress
            id="qa-upload-progress"
            className="carepack-progress display-block"
            max={1}
            value={progress}
          >
            {Math.round(progress * 100)}%
          </progress>
        </div>
      )}
      <ButtonGroup>
        <Button type="submit" disabled={progress !== undefined || conflict}>
          {words.submit}
        </Button>
        {conflict && (
          <Button type="button" outline onClick={onLoadLatest}>
            Load the latest version
          </Button>
        )}
      </ButtonGroup>
    </form>
  );
}
