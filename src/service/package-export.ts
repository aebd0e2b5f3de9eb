/**
 * The dashboard's list as a CSV file: every package the list's filters match, as the user's list
 * shows it (state users: their state; CMS: every package submitted at least once). Read a page at
 * a time and handed on as text, so an export of any size holds one page in memory.
 */
import type { User } from '../domain/index.js';
import { csvRecord } from '../lib/csv.js';
import { MAX_PAGE_SIZE } from '../store/paging.js';
import type { Page } from '../store/store.js';
import type { ListQuery, PackageService, PackageSummaryView } from './package-service.js';
import type { ReferenceData } from './reference-data.js';

/**
 * The UTF-8 byte order mark the file starts with: without it Excel reads a CSV in the machine's
 * legacy code page, and program or state names beyond ASCII come out garbled.
 */
export const UTF8_BOM = '\uFEFF';

/** The list's filters and order: an export has no pages of its own. */
export type ExportQuery = Omit<ListQuery, 'limit' | 'cursor'>;

export const PACKAGE_CSV_HEADER = [
  'Name',
  'State',
  'Programs',
  'Submission type',
  'Status',
  'Review status',
  'Created',
  'First submitted',
  'Last updated',
  'Revisions',
] as const;

export class PackageExport {
  constructor(
    private readonly packages: PackageService,
    private readonly reference: ReferenceData,
  ) {}

  /**
   * The CSV's text, the byte order mark and header first, then a record per package. The first page is read before this
   * returns, so a refused query (a bad filter, another state) throws here, before anything is sent.
   */
  async csv(user: User, query: ExportQuery): Promise<AsyncIterable<string>> {
    const list = (cursor?: string) =>
      this.packages.list(user, { ...query, limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    const first = await list();
    const record = (p: PackageSummaryView) => this.record(p);
    return (async function* () {
      yield UTF8_BOM + csvRecord(PACKAGE_CSV_HEADER);
      let page: Page<PackageSummaryView> | undefined = first;
      while (page) {
        yield (await Promise.all(page.items.map(record))).join('');
        page = page.cursor ? await list(page.cursor) : undefined;
      }
    })();
  }

  private async record(p: PackageSummaryView): Promise<string> {
    const programs = await this.reference.programsByIds(p.programIds);
    return csvRecord([
      p.name,
      p.stateCode,
      programs.map((program) => program.name).join(', '),
      p.submissionType,
      p.status,
      p.reviewStatus ?? '',
      p.createdAt,
      p.initiallySubmittedAt ?? '',
      p.updatedAt,
      String(p.revisionCount),
    ]);
  }
}
