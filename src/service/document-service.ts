/**
 * Documents of a package: uploads streamed to S3 (type sniffed, size capped, sha256 computed
 * on the way, virus-scanned; see file-intake.ts), their metadata added to the draft revision,
 * downloads through short-lived links after an access check (the documents of questions and
 * responses too). Nothing half-done is left: a file whose metadata could not be saved is deleted
 * again.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AUDIT_SUMMARIES,
  actorOf,
  assertDocumentPlacement,
  canViewRate,
  cleanDocumentName,
  currentRevision,
  type DocumentCategory,
  DomainError,
  isRateCategory,
  linkedRateIds,
  notFound,
  type Package,
  type PackageDocument,
  planAddDocument,
  planAddRateDocument,
  planRemoveDocument,
  planRemoveRateDocument,
  questionDocuments,
  type Rate,
  type User,
  unlessNotFound,
  withRatesOf,
} from '../domain/index.js';
import { FileNotFound } from '../files/file-errors.js';
import type { FileStore } from '../files/file-store.js';
import type { ScannerSetting } from '../files/scanner.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import { visiblePackage } from './access.js';
import { takeInFile } from './file-intake.js';
import { packageHeading, revisionRecord, snapshotKey } from './package-record.js';
import { discardedKeys } from './package-service.js';
import { PackageViews, projectWithRates, readRates, shownRevisions } from './package-views.js';
import type { ReferenceData } from './reference-data.js';
import { revisionZip, zipCounts, zipFileName } from './revision-zip.js';

export interface UploadInput {
  fileName: string;
  category: DocumentCategory;
  rateId?: string | undefined;
  /** The SHA-256 the client computed; when given, the stored bytes must match it. */
  sha256?: string | undefined;
  body: Readable;
  /** Called once the bytes are stored and before they are recorded; throwing refuses the upload. */
  beforeRecord?: () => Promise<void>;
}

export interface DownloadLink {
  url: string;
  name: string;
  expiresAt: string;
}

export interface DocumentServiceOptions {
  store: Store;
  files: FileStore;
  scanner: ScannerSetting;
  maxBytes: number;
  linkSeconds?: number;
  log?: { error(details: object, message: string): void };
  /** The server's clock (tests inject one). */
  clock?: Clock;
  /** States and programs, to name a revision's zip; without it there are no zips. */
  reference?: ReferenceData;
}

/** A revision's documents as one zip, streamed (revision-zip.ts). */
export interface RevisionDownload {
  fileName: string;
  body: Readable;
}

export class DocumentService {
  private readonly linkSeconds: number;
  private readonly clock: Clock;

  constructor(private readonly options: DocumentServiceOptions) {
    this.linkSeconds = options.linkSeconds ?? 300;
    this.clock = options.clock ?? systemClock;
  }

  /** The rates the package carries (its current and last submitted revisions link), by id. */
  private currentRates(pkg: Package): Promise<Map<string, Rate>> {
    return readRates(this.options.store, linkedRateIds(pkg));
  }

  /**
   * A document goes to the package, or (a rate document naming one of the draft's rate records)
   * to that CHILD rate's current revision. The placement is checked before the bytes are stored,
   * so a refused upload costs no transfer; the plan that records the document checks again on
   * the records as they are then.
   */
  async upload(user: User, packageId: string, input: UploadInput): Promise<PackageDocument> {
    const name = cleanDocumentName(input.fileName);
    const placement = {
      name,
      category: input.category,
      ...(isRateCategory(input.category) && input.rateId ? { rateId: input.rateId } : {}),
    };
    const pkg = await this.options.store.getPackage(packageId);
    const toRate =
      placement.rateId !== undefined &&
      currentRevision(pkg).rateLinks.some((l) => l.rateId === placement.rateId);
    const at = () => isoNow(this.clock);
    if (toRate) {
      // A dry run of the plan on the records as read: the same refusals, before any byte moves.
      const rates = await this.currentRates(pkg);
      const trial: PackageDocument = { ...placeholderFile, id: randomUUID(), ...placement, addedAt: at() };
      planAddRateDocument(
        { packages: new Map([[pkg.id, pkg]]), rates },
        { user, at: at(), packageId, document: trial },
      );
    } else {
      assertDocumentPlacement(pkg, user, placement);
    }

    const file = await takeInFile(
      this.options,
      { folder: `packages/${pkg.id}`, field: 'file', afterStore: input.beforeRecord, packageId },
      { fileName: name, body: input.body, sha256: input.sha256 },
    );
    try {
      const doc: PackageDocument = { id: randomUUID(), ...file, ...placement, addedAt: at() };
      if (toRate) {
        await this.options.store.changeGraph(
          { packageIds: [packageId] },
          withRatesOf(packageId, (graph) =>
            planAddRateDocument(graph, { user, at: at(), packageId, document: doc }),
          ),
        );
      } else {
        await this.options.store.changePackage(packageId, (latest) =>
          planAddDocument(latest, { user, at: at(), document: doc }),
        );
      }
      return doc;
    } catch (e) {
      await this.options.files.delete(file.key).catch(() => {});
      throw e;
    }
  }

  /** Removes a document of the draft (or of one of its child rates); its file goes unless a revision still holds it. */
  async remove(user: User, packageId: string, documentId: string): Promise<void> {
    const pkg = await this.options.store.getPackage(packageId);
    const rates = currentRevision(pkg).documents.some((d) => d.id === documentId)
      ? new Map<string, Rate>()
      : await this.currentRates(pkg);
    const rate = [...rates.values()].find((r) => r.revisions[0]!.documents.some((d) => d.id === documentId));
    if (!rate) {
      const { before, after } = await this.options.store.changePackage(packageId, (latest) =>
        planRemoveDocument(latest, { user, at: isoNow(this.clock), documentId }),
      );
      const removed = before.revisions[0]!.documents.find((d) => d.id === documentId)!;
      // A document copied from a submitted revision keeps its file: that revision still needs it.
      const stillUsed = after.revisions.some((r) => r.documents.some((d) => d.key === removed.key));
      if (!stillUsed) await this.options.files.delete(removed.key);
      return;
    }
    const result = await this.options.store.changeGraph(
      { packageIds: [packageId] },
      withRatesOf(packageId, (graph) =>
        planRemoveRateDocument(graph, {
          user,
          at: isoNow(this.clock),
          packageId,
          rateId: rate.id,
          documentId,
        }),
      ),
    );
    for (const key of discardedKeys(result)) await this.options.files.delete(key);
  }

  /** A rate document's download link, for the rate's page: from a revision of the rate the user may see. */
  async rateDownloadLink(user: User, rateId: string, documentId: string): Promise<DownloadLink> {
    const rate = await unlessNotFound(this.options.store.getRate(rateId));
    if (!rate || !canViewRate(user, rate)) throw notFound('rate', rateId);
    const doc = shownRevisions(user, rate.revisions)
      .flatMap((r) => r.documents)
      .find((d) => d.id === documentId);
    if (!doc) throw new DomainError('NOT_FOUND', `document ${documentId} was not found`);
    // The download is recorded on the rate's parent package, whose audit trail names its rates.
    return this.link(user, rate.parentPackageId, doc);
  }

  async downloadLink(user: User, packageId: string, documentId: string): Promise<DownloadLink> {
    const { store } = this.options;
    const pkg = await visiblePackage(store, user, packageId);
    const projected = await projectWithRates(store, pkg);
    // Documents of questions and responses are the package's too, for both sides to read.
    const doc = [
      ...shownRevisions(user, projected.revisions).flatMap((r) => r.documents),
      ...questionDocuments(pkg.questions),
    ].find((d) => d.id === documentId);
    if (!doc) throw new DomainError('NOT_FOUND', `document ${documentId} was not found`);
    return this.link(user, packageId, doc);
  }

  /**
   * Every document of a revision the user is shown, as one zip: the access rules of single
   * downloads (the package visible to the user, CMS only its submitted revisions; a document
   * whose scan did not pass is withheld, listed in the manifest only), and one audit record.
   */
  async revisionZip(user: User, packageId: string, revisionNumber: number): Promise<RevisionDownload> {
    const { store, files, reference } = this.options;
    if (!reference) throw new Error('DocumentService needs reference data to make zips');
    const pkg = await visiblePackage(store, user, packageId);
    const projected = await projectWithRates(store, pkg);
    const revision = shownRevisions(user, projected.revisions).find((r) => r.number === revisionNumber);
    if (!revision) throw notFound(`revision ${revisionNumber} of package`, packageId);
    const views = new PackageViews(store, reference);
    const name = await views.nameOf(pkg, revision.formData.programIds);
    const rateNumbers = new Map(revision.rates.map((r) => [r.rateId, r.rateNumber]));
    // Rates embedded in older records have no number: they are named by their place in the form.
    revision.formData.rateCertifications.forEach((r, i) => {
      if (!rateNumbers.has(r.id)) rateNumbers.set(r.id, `rate-certification-${i + 1}`);
    });
    const documents = revision.documents.map((doc) => ({
      doc,
      rateNumber: doc.rateId ? (rateNumbers.get(doc.rateId) ?? 'rate') : undefined,
    }));
    const now = this.clock();
    const { included, withheld } = zipCounts(documents);
    const record = await this.revisionRecordOf(pkg, revision);
    await store.appendAudit({
      packageId,
      at: now.toISOString(),
      actor: actorOf(user),
      action: 'DOWNLOAD',
      summary: AUDIT_SUMMARIES.downloadZip(revisionNumber, included, withheld),
    });
    return {
      fileName: zipFileName(name, revisionNumber),
      body: revisionZip(files, {
        packageId,
        packageName: name,
        revision: revisionNumber,
        record,
        documents,
        generatedAt: now,
      }),
    };
  }

  /** The snapshot written when the revision was submitted; made the same way for a draft (or a lost one). */
  private async revisionRecordOf(pkg: Package, revision: Package['revisions'][number]): Promise<unknown> {
    const { files, reference } = this.options;
    if (revision.submitInfo) {
      const stored = await files.getJson(snapshotKey(pkg.id, revision.number)).catch((e: unknown) => {
        if (e instanceof FileNotFound) return undefined;
        throw e;
      });
      if (stored !== undefined) return stored;
    }
    const { name, head } = await packageHeading(reference!, pkg);
    return revisionRecord(name, head, revision);
  }

  private async link(
    user: User,
    packageId: string,
    doc: Pick<PackageDocument, 'name' | 'key' | 'scanStatus'>,
  ): Promise<DownloadLink> {
    const { store, files } = this.options;
    if (doc.scanStatus !== 'CLEAN' && doc.scanStatus !== 'NOT_SCANNED') {
      throw new DomainError(
        'NOT_DOWNLOADABLE',
        `"${doc.name}" cannot be downloaded: its virus scan status is ${doc.scanStatus}`,
      );
    }
    const url = await files.presignedGet(doc.key, {
      downloadName: doc.name,
      expiresInSeconds: this.linkSeconds,
    });
    const now = this.clock();
    await store.appendAudit({
      packageId,
      at: now.toISOString(),
      actor: actorOf(user),
      action: 'DOWNLOAD',
      summary: AUDIT_SUMMARIES.download(doc.name),
    });
    return {
      url,
      name: doc.name,
      expiresAt: new Date(now.getTime() + this.linkSeconds * 1000).toISOString(),
    };
  }
}

/** The stored-file facts of a document not stored yet (a dry run of its placement only). */
const placeholderFile = {
  bucket: 'pending',
  key: 'pending',
  size: 0,
  contentType: 'application/octet-stream',
  sha256: '0'.repeat(64),
  scanStatus: 'PENDING' as const,
};
