/**
 * A database that cannot be reached is the store's own failure, UNAVAILABLE, which the API
 * answers with 503 — not a 500 that says "our bug". Each backend pointed at a port nobody listens on.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../src/api/problem.js';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { connectPostgres } from '../../src/store/postgres/postgres-client.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { MaintainedStore } from '../../src/store/store.js';

/** A local port that was free a moment ago: nothing answers on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const backends: [string, (port: number) => MaintainedStore][] = [
  [
    'DynamoDB',
    (port) => {
      const clients = createDynamoClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1' });
      return createDynamoStore({
        client: clients.doc,
        tableName: 'nowhere',
        onClose: async () => clients.client.destroy(),
      });
    },
  ],
  [
    'PostgreSQL',
    (port) => {
      const handle = connectPostgres(`postgres://postgres@127.0.0.1:${port}/nowhere`);
      return createPostgresStore({ db: handle.db, onClose: handle.close });
    },
  ],
];

describe.each(backends)('%s that cannot be reached', (_name, open) => {
  it('refuses reads, changes and maintenance with UNAVAILABLE, which the API answers with 503', async () => {
    const store = open(await closedPort());
    try {
      const calls = [
        () => store.getPackage(crypto.randomUUID()),
        () => store.listStates(),
        () => store.maintenance.getCounters(),
      ];
      for (const call of calls) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ name: 'StoreError', code: 'UNAVAILABLE' });
        expect(toProblem(error, 'r1')).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
      }
    } finally {
      await store.close();
    }
  }, 30_000);
});
