import { z } from 'zod';
import { storableString } from './text.js';

export const DOCUMENT_CATEGORIES = ['CONTRACT', 'CONTRACT_SUPPORTING', 'RATE', 'RATE_SUPPORTING'] as const;
export const SCAN_STATUSES = ['NOT_SCANNED', 'PENDING', 'CLEAN', 'INFECTED', 'ERROR'] as const;

/**
 * At most this many documents in one revision. A draft update may replace every document
 * in one atomic write, and the backends' transactions are bounded (DynamoDB: 100 items).
 */
export const MAX_DOCUMENTS_PER_REVISION = 48;

export const DocumentSchema = z.object({
  id: z.uuid(),
  /** The original file name: metadata and download name, never the storage key. */
  name: storableString().min(1).max(255),
  bucket: z.string().min(1).max(255),
  key: z.string().min(1).max(1024),
  size: z.number().int().nonnegative(),
  contentType: z.string().min(1).max(255),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256'),
  category: z.enum(DOCUMENT_CATEGORIES),
  /** Rate documents tie to one rate certification of the same revision. */
  rateId: z.uuid().optional(),
  addedAt: z.iso.datetime(),
  scanStatus: z.enum(SCAN_STATUSES),
});
export type PackageDocument = z.infer<typeof DocumentSchema>;
export type DocumentCategory = PackageDocument['category'];
export type ScanStatus = PackageDocument['scanStatus'];

export const RATE_DOCUMENT_CATEGORIES: readonly DocumentCategory[] = ['RATE', 'RATE_SUPPORTING'];
export const isRateCategory = (category: DocumentCategory) => RATE_DOCUMENT_CATEGORIES.includes(category);

/**
 * THE duplicate-name rule: a name is unique (ignoring case) within one list — a contract
 * category, or one category of one rate certification. The same name may appear in another
 * list (each rate certification may have its own `rates.pdf`). The PostgreSQL unique index
 * `documents_unique_name_per_list` enforces exactly this key.
 */
export function documentListKey(d: Pick<PackageDocument, 'category' | 'name' | 'rateId'>): string {
  // Rate documents are listed per rate certification; the contract lists ignore a stray rateId.
  const rate = isRateCategory(d.category) ? (d.rateId ?? '') : '';
  return `${d.category}|${rate}|${d.name.toLowerCase()}`;
}

/** The document of `docs` (other than `exceptId`) that `doc`'s name would collide with. */
export function sameNameInList(
  docs: readonly Pick<PackageDocument, 'id' | 'category' | 'name' | 'rateId'>[],
  doc: Pick<PackageDocument, 'category' | 'name' | 'rateId'>,
  exceptId?: string,
) {
  const key = documentListKey(doc);
  return docs.find((d) => d.id !== exceptId && documentListKey(d) === key);
}

export const DocumentListSchema = z
  .array(DocumentSchema)
  .max(MAX_DOCUMENTS_PER_REVISION)
  .superRefine((docs, ctx) => {
    const seenNames = new Set<string>();
    const seenIds = new Set<string>();
    docs.forEach((d, i) => {
      if (seenIds.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'is used twice' });
      seenIds.add(d.id);
      const listKey = documentListKey(d);
      if (seenNames.has(listKey)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${d.name}" is already in this list` });
      }
      seenNames.add(listKey);
    });
  });
