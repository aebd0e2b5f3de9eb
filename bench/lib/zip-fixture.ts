/**
 * The revision the zip benchmark downloads: `count` documents of about `totalBytes` together,
 * sizes spread from a fifth to nearly twice the mean (as real revisions mix memos and
 * certifications), some names repeated (the zip tells them apart). The same list in the
 * benchmark (which stores the objects) and in its server (which zips them).
 */
import type { ZipDocument } from '../../src/service/revision-zip.js';

export const ZIP_BENCH_PREFIX = 'bench-zip/';

export function zipBenchDocuments(count: number, totalBytes: number): ZipDocument[] {
  const mean = totalBytes / count;
  return Array.from({ length: count }, (_, i) => {
    // 0.2× … 1.8× the mean, evenly spread and interleaved, so the total stays `totalBytes`.
    const spread = 0.2 + (1.6 * ((i * 7) % count)) / Math.max(1, count - 1);
    const rate = i % 3 === 2;
    return {
      doc: {
        name: `document-${i % 250}.pdf`,
        key: `${ZIP_BENCH_PREFIX}${String(i).padStart(4, '0')}.pdf`,
        size: Math.round(mean * spread),
        sha256: '0'.repeat(64),
        category: rate ? 'RATE' : 'CONTRACT_SUPPORTING',
        contentType: 'application/pdf',
        addedAt: '2026-01-01T00:00:00.000Z',
        scanStatus: 'CLEAN',
      },
      ...(rate ? { rateNumber: `MN-RATE-${String(1 + (i % 5)).padStart(4, '0')}` } : {}),
    };
  });
}
