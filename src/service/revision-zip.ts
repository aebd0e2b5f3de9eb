/**
 * The zip of one revision's documents: `revision.json` (the package's record of that revision),
 * the package's documents under `documents/`, each rate's under `rates/<rate number>/`, and
 * `manifest.json` last, listing every document with its category, size and SHA-256, and whether
 * it is in the zip, withheld (its virus scan did not pass) or missing from storage. Written last,
 * the manifest says what actually went in. Bytes stream from the file store one document at a
 * time; nothing is held or spooled.
 */
import { Readable } from 'node:stream';
import type { PackageDocument } from '../domain/index.js';
import { FileNotFound } from '../files/file-errors.js';
import type { FileStore } from '../files/file-store.js';
import { streamedZip, type ZipEntry } from '../files/streamed-zip.js';
import { safeSegment, ZipNames } from '../files/zip-names.js';

export interface ZipDocument {
  doc: Pick<PackageDocument, 'name' | 'key' | 'size' | 'sha256' | 'category' | 'contentType' | 'addedAt'> &
    Partial<Pick<PackageDocument, 'scanStatus'>>;
  /** The rate it belongs to (its folder), for a rate's document. */
  rateNumber?: string | undefined;
}

export interface RevisionZipContents {
  packageId: string;
  packageName: string;
  revision: number;
  /** The JSON record of the revision, as `revision.json`. */
  record: unknown;
  documents: readonly ZipDocument[];
  generatedAt: Date;
}

export type ManifestStatus = 'INCLUDED' | 'WITHHELD' | 'MISSING';

export interface ManifestEntry {
  name: string;
  /** Where it is in the zip; null when it is not there. */
  path: string | null;
  category: PackageDocument['category'];
  rateNumber?: string;
  size: number;
  sha256: string;
  status: ManifestStatus;
  reason?: string;
}

export const MANIFEST_PATH = 'manifest.json';
export const RECORD_PATH = 'revision.json';

/** What a single download would refuse is withheld here too (document-service.ts `link`). */
export const isDownloadable = (doc: Partial<Pick<PackageDocument, 'scanStatus'>>) =>
  doc.scanStatus === undefined || doc.scanStatus === 'CLEAN' || doc.scanStatus === 'NOT_SCANNED';

/** The zip's file name, e.g. `MN-PMAP-0001-revision-2.zip`. */
export const zipFileName = (packageName: string, revision: number) =>
  `${safeSegment(packageName, 'package')}-revision-${revision}.zip`;

/** Counts of what the zip holds, for the audit record. */
export function zipCounts(documents: readonly ZipDocument[]) {
  const withheld = documents.filter((d) => !isDownloadable(d.doc)).length;
  return { included: documents.length - withheld, withheld };
}

export function revisionZip(files: Pick<FileStore, 'read'>, contents: RevisionZipContents): Readable {
  const names = new ZipNames();
  names.reserve(MANIFEST_PATH);
  names.reserve(RECORD_PATH);
  const at = contents.generatedAt;
  const manifest: ManifestEntry[] = [];

  function* entries(): Generator<ZipEntry> {
    yield {
      path: RECORD_PATH,
      modifiedAt: at,
      open: async () => Buffer.from(`${JSON.stringify(contents.record, null, 2)}\n`),
    };
    for (const { doc, rateNumber } of contents.documents) {
      const listed: ManifestEntry = {
        name: doc.name,
        path: null,
        category: doc.category,
        ...(rateNumber ? { rateNumber } : {}),
        size: doc.size,
        sha256: doc.sha256,
        status: 'WITHHELD',
      };
      manifest.push(listed);
      if (!isDownloadable(doc)) {
        listed.reason = `its virus scan status is ${doc.scanStatus}`;
        continue;
      }
      const folder = rateNumber ? `rates/${safeSegment(rateNumber, 'rate')}` : 'documents';
      const path = names.take(folder, doc.name);
      yield {
        path,
        modifiedAt: new Date(doc.addedAt),
        open: async () => {
          try {
            const file = await files.read(doc.key);
            Object.assign(listed, { path, status: 'INCLUDED' });
            return file.body;
          } catch (e) {
            if (!(e instanceof FileNotFound)) throw e;
            Object.assign(listed, { status: 'MISSING', reason: 'its file is no longer stored' });
            return null;
          }
        },
      };
    }
    yield {
      path: MANIFEST_PATH,
      modifiedAt: at,
      // Made when its turn comes, after every document's, so it says what actually went in.
      open: async () => Readable.from(manifestBytes(), { objectMode: false }),
    };
  }

  function* manifestBytes() {
    const body = {
      format: 'carepack-revision-documents',
      version: 1,
      package: { id: contents.packageId, name: contents.packageName },
      revision: contents.revision,
      generatedAt: at.toISOString(),
      documents: manifest,
    };
    yield Buffer.from(`${JSON.stringify(body, null, 2)}\n`);
  }

  return streamedZip(entries());
}
