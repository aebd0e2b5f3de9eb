/**
 * The zip benchmark's server, alone in its process so the RSS measured is the zipping's: `GET
 * /zip` streams the revision's zip (the code the API route runs, revision-zip.ts). Prints
 * `READY <port>` once listening.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { createServer } = await import('node:http');
const { pipeline } = await import('node:stream/promises');
const { createS3FileStore } = await import('../src/files/file-store.js');
const { createS3Client } = await import('../src/files/s3-client.js');
const { revisionZip } = await import('../src/service/revision-zip.js');
const { requiredEnv: env } = await import('./lib/env.js');
const { zipBenchDocuments } = await import('./lib/zip-fixture.js');

const files = createS3FileStore({
  client: createS3Client({ endpoint: env('BENCH_S3'), region: 'us-east-1' }),
  bucket: env('BENCH_BUCKET'),
});
const documents = zipBenchDocuments(Number(env('BENCH_COUNT')), Number(env('BENCH_TOTAL')));

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bench');
  // `?n=` zips only the first n documents (the warm-up).
  const n = Number(url.searchParams.get('n') ?? documents.length);
  const work = pipeline(
    revisionZip(files, {
      packageId: 'bench',
      packageName: 'MN-PMAP-0001',
      revision: 1,
      record: { format: 'carepack-submission', version: 1 },
      documents: documents.slice(0, n),
      generatedAt: new Date(),
    }),
    res,
  );
  work.catch((e: unknown) => {
    console.error(e);
    res.destroy();
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`READY ${(server.address() as { port: number }).port}`);
});
process.on('SIGTERM', () => process.exit(0));
