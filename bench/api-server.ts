/**
 * The API in a process of its own, for the `api` and `load` benchmarks, so the load generator's
 * CPU is not counted as the server's. It builds the app as the tests do (test/support/api.ts:
 * files in S3, no scanner, emails to an outbox) on DynamoDB or the PostgreSQL server; with
 * BENCH_BARE_STATE set, it also serves a bare Fastify route on a second port making the list
 * call the app makes for that state's user, on the same store instance (and, with BENCH_BARE_USER,
 * one that first reads that user, as the app's session check does).
 * Prints `READY <app port> <bare port or 0>` once listening.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { default: Fastify } = await import('fastify');
const { buildApp } = await import('../src/api/app.js');
const { createS3FileStore } = await import('../src/files/file-store.js');
const { createS3Client } = await import('../src/files/s3-client.js');
const { notScanning } = await import('../src/files/scanner.js');
const { createNotifier, outboxTransport } = await import('../src/notify/index.js');
const { createDynamoClients } = await import('../src/store/dynamo/dynamo-client.js');
const { createDynamoStore } = await import('../src/store/dynamo/dynamo-store.js');
const { connectPostgres } = await import('../src/store/postgres/postgres-client.js');
const { createPostgresStore } = await import('../src/store/postgres/postgres-store.js');
const { requiredEnv: env } = await import('./lib/env.js');

function openStore() {
  if (env('BENCH_STORE') === 'postgres') {
    const handle = connectPostgres(env('BENCH_PG_URL'));
    return createPostgresStore({ db: handle.db, onClose: handle.close });
  }
  const { client, doc } = createDynamoClients({ endpoint: env('BENCH_DYNAMO'), region: 'us-east-1' });
  return createDynamoStore({
    client: doc,
    tableName: env('BENCH_TABLE'),
    onClose: async () => client.destroy(),
  });
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const store = openStore();
const s3 = createS3Client({ endpoint: env('BENCH_S3'), region: 'us-east-1' });
const notifier = createNotifier({
  transport: outboxTransport(env('BENCH_OUTBOX'), quiet),
  from: 'Carepack <no-reply@carepack.example.gov>',
  cmsReviewList: ['review@cms.example.gov'],
  baseUrl: 'http://localhost:3000',
  retries: 0,
  logger: quiet,
});
const app = await buildApp({
  store,
  sessionSecret: env('BENCH_SESSION_SECRET'),
  devLogin: true,
  files: createS3FileStore({ client: s3, bucket: env('BENCH_BUCKET') }),
  scanner: notScanning,
  notifier,
  logger: false,
});
await app.listen({ host: '127.0.0.1', port: 0 });

const bareState = process.env.BENCH_BARE_STATE;
const bare = bareState ? Fastify({ logger: false }) : undefined;
if (bare && bareState) {
  // What GET /api/packages without a query asks of the store for a user of this state.
  bare.get('/packages', () => store.listByState(bareState, {}));
  // The same after the read of the session's user that the app makes on every request: tells how
  // much of the app's cost is that round trip.
  const userId = process.env.BENCH_BARE_USER;
  if (userId)
    bare.get('/packages-after-user-read', async () => {
      await store.getUser(userId);
      return store.listByState(bareState, {});
    });
  await bare.listen({ host: '127.0.0.1', port: 0 });
}

const portOf = (server: { server: { address(): unknown } } | undefined) =>
  server ? (server.server.address() as { port: number }).port : 0;
console.log(`READY ${portOf(app)} ${portOf(bare)}`);

process.on('SIGTERM', () => {
  void (async () => {
    await Promise.all([app.close(), bare?.close()]);
    await notifier.drain();
    await store.close();
    s3.destroy();
    process.exit(0);
  })();
});
