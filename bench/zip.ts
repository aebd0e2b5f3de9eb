/**
 * A revision of 300 documents, 500 MB together, downloaded as one zip (the API route's code,
 * revision-zip.ts, in a server process of its own, reading the embedded S3) vs. the same objects
 * read straight from that S3 one after another by the same client (the baseline), side by side in
 * each round:
 * throughput ratio (target ≥ 0.7×, i.e. time ratio ≤ 1.43) and the zipping process's RSS growth
 * while it streams (target < 64 MB: nothing is held or spooled, whatever the size).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3FileStore } from '../src/files/file-store.js';
import { createS3Client } from '../src/files/s3-client.js';
import { startEmbeddedS3 } from '../src/files/s3-embedded.js';
import { startChildServer } from './lib/child-server.js';
import { envNumber } from './lib/env.js';
import { type BenchReport, loadAverage, runNote } from './lib/report.js';
import { zipBenchDocuments } from './lib/zip-fixture.js';

const COUNT = envNumber('CAREPACK_BENCH_ZIP_FILES', 300);
const TOTAL = envNumber('CAREPACK_BENCH_ZIP_MB', 500) * 1024 * 1024;
const ROUNDS = envNumber('CAREPACK_BENCH_ZIP_ROUNDS', 3);
const BUCKET = 'carepack-bench-zip';

/** GETs `url`, dropping the body; its size and last 22 bytes (a zip's end record). */
function drain(url: string): Promise<{ bytes: number; tail: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
      let bytes = 0;
      let tail = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        tail = Buffer.concat([tail, chunk.subarray(-22)]).subarray(-22);
      });
      res.on('end', () => resolve({ bytes, tail }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

export async function run(): Promise<BenchReport> {
  const started = performance.now();
  const loadAtStart = loadAverage();
  const s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  const s3client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1' });
  const documents = zipBenchDocuments(COUNT, TOTAL);
  let stored = 0;
  for (const [i, { doc }] of documents.entries()) {
    // Incompressible-looking bytes are what PDFs are; the zip stores them as they are anyway.
    const body = Buffer.alloc(doc.size, `%PDF-1.7 ${i} `);
    await s3client.send(new PutObjectCommand({ Bucket: BUCKET, Key: doc.key, Body: body }));
    stored += doc.size;
  }
  const { child: server, ready } = startChildServer(new URL('./zip-server.ts', import.meta.url), {
    BENCH_S3: s3.endpoint,
    BENCH_BUCKET: BUCKET,
    BENCH_COUNT: String(COUNT),
    BENCH_TOTAL: String(TOTAL),
  });
  const rss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  try {
    const [port] = await ready;
    const base = `http://127.0.0.1:${port}`;
    // Unmeasured warm-up of both paths: module loading and JIT are not streaming memory.
    await drain(`${base}/zip?n=20`);
    const files = createS3FileStore({ client: s3client, bucket: BUCKET });
    /** The baseline: each object's bytes read and dropped, one after another, by this client. */
    const rawRead = async (docs: typeof documents) => {
      for (const { doc } of docs) for await (const _ of (await files.read(doc.key)).body);
    };
    await rawRead(documents.slice(0, 20));

    const zipMs: number[] = [];
    const rawMs: number[] = [];
    let peakGrowth = 0;
    let zipBytes = 0;
    const zipRound = async () => {
      const baseline = rss();
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rss());
      }, 20);
      const t = performance.now();
      const zip = await drain(`${base}/zip`);
      zipMs.push(performance.now() - t);
      clearInterval(sampler);
      peakGrowth = Math.max(peakGrowth, peak - baseline);
      zipBytes = zip.bytes;
      // The end record counts every document, the record and the manifest: the zip is whole.
      if (zip.tail.readUInt32LE(0) !== 0x06054b50 || zip.tail.readUInt16LE(10) !== COUNT + 2) {
        throw new Error('the zip has no end record for every entry');
      }
    };
    const rawRound = async () => {
      const t = performance.now();
      await rawRead(documents);
      rawMs.push(performance.now() - t);
    };
    for (let round = 0; round < ROUNDS; round++) {
      // Each side goes first every other round, so a trend in the machine's load favours neither.
      if (round % 2 === 0) {
        await zipRound();
        await rawRound();
      } else {
        await rawRound();
        await zipRound();
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratios = zipMs.map((z, i) => z / rawMs[i]!);
    const growthMb = peakGrowth / (1024 * 1024);
    const zipTime = median(zipMs);
    const raw = median(rawMs);
    const mb = stored / 1024 / 1024;
    return {
      name: 'zip',
      columns: { subject: 'revision zip', baseline: 'raw sequential S3 read' },
      rows: [
        {
          op: `${COUNT} files, ${mb.toFixed(0)} MB as one zip (time; ≤ 1.43 means ≥ 0.7× throughput)`,
          subjectMs: zipTime,
          baselineMs: raw,
          ratio: median(ratios),
          ratioIqr: [Math.min(...ratios), Math.max(...ratios)],
          target: 1.43,
          baseline: 'GetObject of each, one after another, by the same client from the same s3rver',
        },
        {
          op: 'RSS growth while zipping ÷ 64 MB',
          subjectMs: growthMb,
          baselineMs: 64,
          ratio: growthMb / 64,
          ratioIqr: [growthMb / 64, growthMb / 64],
          target: 1,
          baseline: '64 MB budget (columns in MB)',
        },
      ],
      notes: [
        `zip ${(mb / (zipTime / 1000)).toFixed(1)} MB/s (${(zipBytes / 1024 / 1024).toFixed(1)} MB delivered over HTTP) vs raw ${(mb / (raw / 1000)).toFixed(1)} MB/s = ${(raw / zipTime).toFixed(2)}× (target ≥ 0.7×)`,
        `peak RSS growth of the zipping process over ${ROUNDS} rounds: ${growthMb.toFixed(1)} MB (it runs alone; s3rver and the client, of the zip and of the raw reads, are in the bench process)`,
        'the route’s access check and store reads are left out: they read metadata only, the same whatever the size',
        runNote((performance.now() - started) / 1000, loadAtStart),
      ],
      details: { zipMs, rawMs, peakGrowthBytes: peakGrowth, storedBytes: stored, zipBytes },
    };
  } finally {
    server.kill('SIGTERM');
    s3client.destroy();
    await s3.stop();
  }
}
