import { Button, ErrorMessage, FormGroup, Label, Table } from '@trussworks/react-uswds';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useRemoveDocument, useUploadDocument } from '../api/mutations.js';
import type { FieldError, PackageDocument, PackageView, RateLinkView } from '../api/types.js';
import { ColumnHeads } from '../components/column-heads.js';
import { formatSize } from '../components/format.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { isLinked, ratesById } from '../components/rate-links.js';
import { ScanTag } from '../components/status-tag.js';
import { fieldId, messagesFor } from '../form/fields.js';
import { DOCUMENT_ACCEPT, DOCUMENT_CATEGORIES } from '../form/labels.js';
import type { PackageStepProps } from './step-props.js';

interface Upload {
  name: string;
  progress: number;
}

function DocumentSection({
  pkg,
  title,
  hint,
  category,
  rateId,
  errorPath,
  errors,
  documents,
}: {
  pkg: PackageView;
  title: string;
  hint: string;
  category: PackageDocument['category'];
  rateId?: string;
  errorPath: string;
  errors: readonly FieldError[];
  documents: readonly (PackageDocument & { index: number })[];
}) {
  const uploadDocument = useUploadDocument();
  const removeDocument = useRemoveDocument();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const inputId = fieldId(errorPath);
  const hintId = useId();
  const messages = messagesFor(errors, errorPath);

  // One file after the other; each upload refetches the package before the next starts.
  const upload = async (files: FileList | null) => {
    setFailure(null);
    for (const file of Array.from(files ?? [])) {
      setUploads((u) => [...u, { name: file.name, progress: 0 }]);
      try {
        await uploadDocument.mutateAsync({
          packageId: pkg.id,
          file,
          category,
          rateId,
          onProgress: (progress) =>
            setUploads((u) => u.map((x) => (x.name === file.name ? { ...x, progress } : x))),
        });
      } catch (e) {
        setFailure(e);
      } finally {
        setUploads((u) => u.filter((x) => x.name !== file.name));
      }
    }
  };
  const remove = async (doc: PackageDocument) => {
    setFailure(null);
    try {
      await removeDocument.mutateAsync({ packageId: pkg.id, documentId: doc.id });
    } catch (e) {
      setFailure(e);
    }
  };

  return (
    <section className="margin-bottom-4" aria-labelledby={`${inputId}-heading`}>
      <h2 id={`${inputId}-heading`}>{title}</h2>
      <FormGroup error={messages.length > 0}>
        <Label htmlFor={inputId}>Add {title.toLowerCase()} files</Label>
        <div className="usa-hint" id={hintId}>
          {hint} PDF, Word, Excel, CSV or text.
        </div>
        {messages.length > 0 && <ErrorMessage id={`${inputId}-error`}>{messages.join('; ')}</ErrorMessage>}
        <input
          id={inputId}
          className="usa-file-input"
          type="file"
          multiple
          accept={DOCUMENT_ACCEPT}
          aria-describedby={[hintId, messages.length ? `${inputId}-error` : ''].filter(Boolean).join(' ')}
          onChange={(e) => {
            void upload(e.target.files);
            e.target.value = '';
          }}
        />
      </FormGroup>
      {uploads.map((u) => (
        <div key={u.name} className="margin-y-1">
          <label htmlFor={`${inputId}-${u.name}`}>Uploading {u.name}</label>
          <progress
            id={`${inputId}-${u.name}`}
            className="carepack-progress display-block"
            max={1}
            value={u.progress}
          >
            {Math.round(u.progress * 100)}%
          </progress>
        </div>
      ))}
      <ProblemAlert error={failure} heading="The file was not added" />
      {documents.length > 0 && (
        <Table bordered fullWidth>
          <caption className="usa-sr-only">{title} files</caption>
          <ColumnHeads names={['File', 'Size', 'Virus scan']} action />
          <tbody>
            {documents.map((d) => (
              <tr key={d.id} id={fieldId(`documents.${d.index}`)}>
                <th scope="row">{d.name}</th>
                <td>{formatSize(d.size)}</td>
                <td>
                  <ScanTag status={d.scanStatus} />
                  {messagesFor(errors, `documents.${d.index}.scanStatus`).map((m) => (
                    <ErrorMessage key={m}>{m}</ErrorMessage>
                  ))}
                </td>
                <td>
                  <Button type="button" unstyled onClick={() => void remove(d)}>
                    Remove <span className="usa-sr-only">{d.name}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

/** A linked rate's documents: listed, not changed here (its own package keeps them). */
function LinkedRateDocuments({
  index,
  rate,
  documents,
}: {
  index: number;
  rate: RateLinkView;
  documents: readonly PackageDocument[];
}) {
  const heading = `linked-rate-documents-${index}`;
  return (
    <section className="margin-bottom-4" aria-labelledby={heading}>
      <h2 id={heading}>
        Rate certification {index + 1}: {rate.rateNumber}
      </h2>
      <p className="usa-hint">
        Linked from <Link to={`/packages/${rate.parentPackageId}`}>{rate.parentPackageName}</Link>: its
        documents are changed there only.
      </p>
      {documents.length === 0 ? (
        <p>No documents.</p>
      ) : (
        <Table bordered fullWidth>
          <caption className="usa-sr-only">Rate certification {index + 1} files</caption>
          <ColumnHeads names={['File', 'Kind', 'Size', 'Virus scan']} />
          <tbody>
            {documents.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.name}</th>
                <td>{DOCUMENT_CATEGORIES[d.category]}</td>
                <td>{formatSize(d.size)}</td>
                <td>
                  <ScanTag status={d.scanStatus} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}

export function DocumentsStep({ pkg, form, errors }: PackageStepProps) {
  const docs = pkg.revisions[0]!.documents.map((d, index) => ({ ...d, index }));
  const rates = ratesById(pkg.revisions[0]!.rates);
  const of = (category: PackageDocument['category'] | undefined, rateId?: string) =>
    docs.filter(
      (d) =>
        (category === undefined || d.category === category) && (rateId === undefined || d.rateId === rateId),
    );
  return (
    <>
      <DocumentSection
        pkg={pkg}
        title="Contract"
        hint="The contract action itself; at least one is required."
        category="CONTRACT"
        errorPath="documents"
        errors={errors}
        documents={of('CONTRACT')}
      />
      <DocumentSection
        pkg={pkg}
        title="Contract supporting documents"
        hint="Anything that helps CMS review the contract."
        category="CONTRACT_SUPPORTING"
        errorPath="documents.contractSupporting"
        errors={errors}
        documents={of('CONTRACT_SUPPORTING')}
      />
      {form.submissionType === 'CONTRACT_AND_RATES' &&
        form.rateCertifications.map((r, i) =>
          isLinked(rates, r.id) ? (
            <LinkedRateDocuments
              key={r.id}
              index={i}
              rate={rates.get(r.id)!}
              documents={of(undefined, r.id)}
            />
          ) : (
            <div key={r.id}>
              <DocumentSection
                pkg={pkg}
                title={`Rate certification ${i + 1}`}
                hint="The signed rate certification: exactly one file (anything else goes under its supporting documents)."
                category="RATE"
                rateId={r.id}
                errorPath={`formData.rateCertifications.${i}.documents`}
                errors={errors}
                documents={of('RATE', r.id)}
              />
              <DocumentSection
                pkg={pkg}
                title={`Rate certification ${i + 1} supporting documents`}
                hint="Supporting material for this rate certification."
                category="RATE_SUPPORTING"
                rateId={r.id}
                errorPath={`formData.rateCertifications.${i}.supporting`}
                errors={errors}
                documents={of('RATE_SUPPORTING', r.id)}
              />
            </div>
          ),
        )}
    </>
  );
}
