/**
 * The API alone in its own process, for the upload benchmark: so the RSS it measures is the
 * API's, not the S3 server's or the client's. Prints `READY <port>` once listening.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { buildApp } = await import('../src/api/app.js');
const { createS3FileStore } = await import('../src/files/file-store.js');
const { createS3Client } = await import('../src/files/s3-client.js');
const { createDynamoClients } = await import('../src/store/dynamo/dynamo-client.js');
const { createDynamoStore } = await import('../src/store/dynamo/dynamo-store.js');
const { requiredEnv: env } = await import('./lib/env.js');

const { doc } = createDynamoClients({ endpoint: env('BENCH_DYNAMO'), region: 'us-east-1' });
const store = createDynamoStore({ client: doc, tableName: env('BENCH_TABLE') });
const files = createS3FileStore({
  client: createS3Client({ endpoint: env('BENCH_S3'), region: 'us-east-1' }),
  bucket: env('BENCH_BUCKET'),
});
const app = await buildApp({
  store,
  sessionSecret: 'b'.repeat(40),
  devLogin: true,
  files,
  maxUploadBytes: Number(env('BENCH_MAX_BYTES')),
  logger: false,
});
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`READY ${(app.server.address() as { port: number }).port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
