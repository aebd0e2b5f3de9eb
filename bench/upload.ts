/**
 * A 100 MB document through the API vs. the same bytes straight to the same S3 (lib-storage
 * Upload, same part size): throughput ratio (target ≥ 0.7×, i.e. time ratio ≤ 1.43) and the
 * process's RSS growth during the API upload (target < 64 MB: uploads stream, never buffer).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import { DEFAULT_PART_SIZE_BYTES, DEFAULT_QUEUE_SIZE } from '../src/files/file-store.js';
import { createS3Client } from '../src/files/s3-client.js';
import { startEmbeddedS3 } from '../src/files/s3-embedded.js';
import { DEMO_USERS, seedStore } from '../src/seed/seed.js';
import { createDynamoClients } from '../src/store/dynamo/dynamo-client.js';
import { startDynamoLocal } from '../src/store/dynamo/dynamo-local.js';
import { createDynamoStore } from '../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../src/store/dynamo/dynamo-tables.js';
import { startChildServer } from './lib/child-server.js';
import { devLogin, sessionHeaders } from './lib/dev-login.js';
import type { BenchReport } from './lib/report.js';

const SIZE = 100 * 1024 * 1024;
const ROUNDS = 3;
const BUCKET = 'carepack-bench';

/** 100 MB of "PDF", generated chunk by chunk so the client holds almost nothing. */
function pdfStream(size: number): Readable {
  const head = Buffer.from('%PDF-1.7\n');
  const chunk = Buffer.alloc(256 * 1024, 0x41);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const piece = sent === 0 ? Buffer.concat([head, chunk.subarray(0, chunk.length - head.length)]) : chunk;
      const slice = piece.subarray(0, Math.min(piece.length, size - sent));
      sent += slice.length;
      this.push(slice);
    },
  });
}

function multipartUpload(url: string, headers: Record<string, string>, size: number): Promise<number> {
  const boundary = '----carepackbench';
  const pre = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nCONTRACT\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big-${Date.now()}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': pre.length + size + post.length,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(pre);
    const body = pdfStream(size);
    body.pipe(req, { end: false });
    body.on('end', () => req.end(post));
  });
}

export async function run(): Promise<BenchReport> {
  const dynamo = await startDynamoLocal();
  const s3 = await startEmbeddedS3({ buckets: [BUCKET] });
  const { client, doc } = createDynamoClients({ endpoint: dynamo.endpoint, region: 'us-east-1' });
  const s3client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1' });
  await ensureTable(client, 'carepack-bench-upload');
  const store = createDynamoStore({ client: doc, tableName: 'carepack-bench-upload' });
  await seedStore(store, { demoUsers: true });
  const { child: server, ready } = startChildServer(new URL('./upload-server.ts', import.meta.url), {
    BENCH_DYNAMO: dynamo.endpoint,
    BENCH_TABLE: 'carepack-bench-upload',
    BENCH_S3: s3.endpoint,
    BENCH_BUCKET: BUCKET,
    BENCH_MAX_BYTES: String(SIZE + 1024),
  });
  const [port] = await ready;
  const base = `http://127.0.0.1:${port}`;
  /** The API process's resident memory, from the kernel. */
  const apiRss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  try {
    const mn = DEMO_USERS.find((u) => u.role === 'STATE_USER' && u.stateCode === 'MN')!;
    const headers = sessionHeaders(await devLogin(base, mn.id));
    const pmap = (await store.getState('MN')).programs[0]!.id;
    const draft = (await (
      await fetch(`${base}/api/packages`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ formData: { submissionType: 'CONTRACT_ONLY', programIds: [pmap] } }),
      })
    ).json()) as { id: string };

    const apiMs: number[] = [];
    const rawMs: number[] = [];
    let peakGrowth = 0;
    // One unmeasured upload first: module loading and JIT warm-up are not upload memory.
    if (
      (await multipartUpload(`${base}/api/packages/${draft.id}/documents`, headers, 8 * 1024 * 1024)) !== 201
    ) {
      throw new Error('the warm-up upload failed');
    }
    for (let round = 0; round < ROUNDS; round++) {
      const baseline = apiRss();
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, apiRss());
      }, 20);
      let t = performance.now();
      const status = await multipartUpload(`${base}/api/packages/${draft.id}/documents`, headers, SIZE);
      apiMs.push(performance.now() - t);
      clearInterval(sampler);
      if (status !== 201) throw new Error(`upload answered ${status}`);
      peakGrowth = Math.max(peakGrowth, peak - baseline);

      t = performance.now();
      await new Upload({
        client: s3client,
        params: {
          Bucket: BUCKET,
          Key: `raw/${round}.pdf`,
          Body: pdfStream(SIZE),
          ContentType: 'application/pdf',
        },
        partSize: DEFAULT_PART_SIZE_BYTES,
        queueSize: DEFAULT_QUEUE_SIZE,
      }).done();
      rawMs.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratios = apiMs.map((a, i) => a / rawMs[i]!);
    const growthMb = peakGrowth / (1024 * 1024);
    const api = median(apiMs);
    const raw = median(rawMs);
    return {
      name: 'upload',
      columns: { subject: 'API upload', baseline: 'raw S3 Upload' },
      rows: [
        {
          op: '100 MB upload (time; ≤ 1.43 means ≥ 0.7× throughput)',
          subjectMs: api,
          baselineMs: raw,
          ratio: median(ratios),
          ratioIqr: [Math.min(...ratios), Math.max(...ratios)],
          target: 1.43,
          baseline: 'lib-storage Upload to the same s3rver',
        },
        {
          op: 'RSS growth during API upload ÷ 64 MB',
          subjectMs: growthMb,
          baselineMs: 64,
          ratio: growthMb / 64,
          ratioIqr: [growthMb / 64, growthMb / 64],
          target: 1,
          baseline: '64 MB budget (columns in MB)',
        },
      ],
      notes: [
        `API throughput ${(SIZE / 1024 / 1024 / (api / 1000)).toFixed(1)} MB/s vs raw ${(SIZE / 1024 / 1024 / (raw / 1000)).toFixed(1)} MB/s = ${(raw / api).toFixed(2)}× (target ≥ 0.7×)`,
        `peak RSS growth of the API process over ${ROUNDS} rounds: ${growthMb.toFixed(1)} MB (the API runs alone in a child process; client and s3rver are in the bench process)`,
        `part size ${DEFAULT_PART_SIZE_BYTES / 1024 / 1024} MB × queue ${DEFAULT_QUEUE_SIZE}`,
      ],
      details: { apiMs, rawMs, peakGrowthBytes: peakGrowth },
    };
  } finally {
    server.kill('SIGTERM');
    await store.close();
    client.destroy();
    s3client.destroy();
    await s3.stop();
    await dynamo.stop();
  }
}
