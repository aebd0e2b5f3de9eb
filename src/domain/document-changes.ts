/**
 * What a state user may do to the documents of a draft. A document record is made by the
 * server at upload — storage key, bucket, size, checksum, content type, scan status and time
 * are facts the client cannot state. A change of the draft may only keep, drop, reorder,
 * rename or re-categorise documents the server already recorded for it.
 */
import { z } from 'zod';
import {
  DOCUMENT_CATEGORIES,
  type DocumentCategory,
  isRateCategory,
  MAX_DOCUMENTS_PER_REVISION,
  type PackageDocument,
  sameNameInList,
} from './document.js';
import type { FormData } from './form-data.js';
import { storableString } from './text.js';
import type { FieldError } from './validate-submit.js';

export const MAX_DOCUMENT_NAME = 255;

/** The fields a client may send for a document it keeps; anything else is refused by name. */
export const DocumentChangeSchema = z.strictObject(
  {
    id: z.uuid(),
    name: storableString().min(1).max(MAX_DOCUMENT_NAME).optional(),
    category: z.enum(DOCUMENT_CATEGORIES).optional(),
    /** For rate documents: the rate certification; `null` or absent keeps the recorded one. */
    rateId: z.uuid().nullable().optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? 'is recorded by the server at upload and cannot be sent (send id, name, category, rateId)'
        : undefined,
  },
);
export type DocumentChange = z.infer<typeof DocumentChangeSchema>;

export const DocumentChangesSchema = z
  .array(DocumentChangeSchema)
  .max(MAX_DOCUMENTS_PER_REVISION)
  .describe(
    'The documents the draft keeps, in order, by id (documents are added only by uploading them); ' +
      'a document left out is removed',
  );

const extensionOf = (name: string) => /\.[^.\\/]{1,16}$/.exec(name)?.[0].toLowerCase() ?? '';

/**
 * The name a file is saved under: no folders, no control characters, at most 255 characters.
 * A longer name is shortened before its extension, which stays (the type check needs it).
 */
export function cleanDocumentName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const printable = [...base]
    .filter((ch) => {
      const code = ch.codePointAt(0)!;
      return code > 0x1f && code !== 0x7f && !(code >= 0xd800 && code <= 0xdfff);
    })
    .join('')
    .trim();
  const chars = [...printable];
  if (chars.length <= MAX_DOCUMENT_NAME) return printable;
  const ext = extensionOf(printable);
  return `${chars
    .slice(0, MAX_DOCUMENT_NAME - ext.length)
    .join('')
    .trimEnd()}${ext}`;
}

type Placement = Pick<PackageDocument, 'category' | 'name' | 'rateId'>;
interface RevisionDocuments {
  formData: Pick<FormData, 'rateCertifications'>;
  documents: readonly PackageDocument[];
}

/**
 * Where a document may sit in a revision: a rate document belongs to one of the revision's rate
 * certifications, and no other document of its list has its name. `at` prefixes the paths.
 */
export function placementErrors(
  revision: RevisionDocuments,
  doc: Placement,
  at: { name: string; rateId: string },
  exceptId?: string,
): FieldError[] {
  const errors: FieldError[] = [];
  if (doc.name.trim() === '') errors.push({ path: at.name, message: 'has no name' });
  if (
    isRateCategory(doc.category) &&
    !revision.formData.rateCertifications.some((r) => r.id === doc.rateId)
  ) {
    errors.push({ path: at.rateId, message: 'must name a rate certification of this package' });
  }
  const other = sameNameInList(revision.documents, doc, exceptId);
  if (other) {
    errors.push({
      path: at.name,
      message: `"${other.name}" is already in this list; rename the file or remove the other one`,
    });
  }
  return errors;
}

export type DocumentChangesResult = { documents: PackageDocument[] } | { errors: FieldError[] };

/**
 * The draft's document list after `changes`, or every field that is refused. `recorded` is
 * what the server holds for the draft; `formData` the form the documents will sit beside.
 */
export function applyDocumentChanges(
  recorded: readonly PackageDocument[],
  changes: readonly DocumentChange[],
  formData: Pick<FormData, 'rateCertifications'>,
): DocumentChangesResult {
  const errors: FieldError[] = [];
  const byId = new Map(recorded.map((d) => [d.id, d]));
  const seen = new Set<string>();
  const next: PackageDocument[] = [];
  changes.forEach((change, i) => {
    const at = `documents.${i}`;
    const doc = byId.get(change.id);
    if (!doc) {
      errors.push({
        path: `${at}.id`,
        message: 'is not a document of this draft (add files by uploading them)',
      });
      return;
    }
    if (seen.has(change.id)) {
      errors.push({ path: `${at}.id`, message: 'is listed twice' });
      return;
    }
    seen.add(change.id);
    const category: DocumentCategory = change.category ?? doc.category;
    const name = change.name === undefined ? doc.name : change.name;
    if (change.name !== undefined && cleanDocumentName(name) !== name) {
      errors.push({
        path: `${at}.name`,
        message: 'must be a plain file name (no folders or control characters, no spaces around it)',
      });
    } else if (extensionOf(name) !== extensionOf(doc.name)) {
      errors.push({
        path: `${at}.name`,
        message: `must keep the file's extension "${extensionOf(doc.name)}" (its type was checked at upload)`,
      });
    }
    const rateId = isRateCategory(category) ? (change.rateId ?? doc.rateId) : undefined;
    const { rateId: _dropped, ...rest } = doc;
    next.push({ ...rest, name, category, ...(rateId ? { rateId } : {}) });
  });
  next.forEach((doc, i) => {
    const at = `documents.${changes.findIndex((c) => c.id === doc.id)}`;
    const earlier = { formData, documents: next.slice(0, i) };
    errors.push(...placementErrors(earlier, doc, { name: `${at}.name`, rateId: `${at}.rateId` }));
  });
  return errors.length > 0 ? { errors } : { documents: next };
}
