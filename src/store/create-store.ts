/**
 * The one place that chooses a backend for the portal and the operator tools. The API and the
 * services see only the `Store` contract; the backend-specific commands of the CLI (`db migrate`,
 * `dynamo create-tables`) and dual-write repair (`src/ops/repair.ts`, which replays the mirror
 * journal) import their backend's module directly, as tools of that backend.
 */
import type { BackendName, DynamoConfig, PostgresConfig, StoreConfig } from '../config.js';
import { createDualStore, type DualStoreOptions } from './dual/dual-store.js';
import { openWhenReachable } from './dual/late-store.js';
import { openJournal } from './dual/open-journal.js';
import { createDynamoClients } from './dynamo/dynamo-client.js';
import { startDynamoLocal } from './dynamo/dynamo-local.js';
import { createDynamoStore } from './dynamo/dynamo-store.js';
import { ensureTable } from './dynamo/dynamo-tables.js';
import { connectPostgres, openPglite } from './postgres/postgres-client.js';
import { upgradeToLatest } from './postgres/postgres-data-steps.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import type { MaintainedStore } from './store.js';

export interface OpenedStore {
  store: MaintainedStore;
  /** Where the data lives, for the start-up log line. */
  description: string;
  /** What an operator must know at start-up (dual-write: the secondary is not connected). */
  warnings?: string[];
}

/** How long start-up waits for dual-write's secondary before serving without it (it keeps trying). */
const SECONDARY_START_WAIT_MS = 15_000;

/** The store the configuration asks for: one backend, or both in dual-write mode. */
export async function openStore(
  config: StoreConfig,
  dual: Omit<DualStoreOptions, 'primary' | 'secondary' | 'shadowReadRate' | 'mirrorTimeoutMs'> & {
    /** Pause between attempts to connect an unreachable secondary (default 5000). */
    secondaryRetryAfterMs?: number;
  } = {},
): Promise<OpenedStore> {
  if (config.backend !== 'dual') return openBackend(config, config.backend);
  const { secondaryRetryAfterMs, ...dualOptions } = dual;
  const secondaryName: BackendName = config.dual.primary === 'dynamodb' ? 'postgres' : 'dynamodb';
  const primary = await openBackend(config, config.dual.primary);
  // The portal serves on the primary whether or not the secondary answers: mirror writes are
  // journaled until it does, and /readyz says so.
  let secondaryDescription = `${secondaryName} (not connected)`;
  const secondary = openWhenReachable({
    name: secondaryName,
    ...(secondaryRetryAfterMs !== undefined ? { retryAfterMs: secondaryRetryAfterMs } : {}),
    open: async () => {
      const opened = await openBackend(config, secondaryName);
      secondaryDescription = opened.description;
      return opened.store;
    },
  });
  const first = await secondary.connect(SECONDARY_START_WAIT_MS);
  return {
    store: createDualStore({
      journal: openJournal(config.dual.journal),
      ...dualOptions,
      primary: primary.store,
      secondary,
      shadowReadRate: config.dual.shadowReadRate,
      mirrorTimeoutMs: config.dual.mirrorTimeoutMs,
    }),
    description: `dual-write: primary ${primary.description}; secondary ${secondaryDescription}`,
    ...(first.connected
      ? {}
      : {
          warnings: [
            `dual-write: the ${secondaryName} secondary is not reachable (${first.reason}); serving on the primary, ` +
              'journaling every mirror write and trying the secondary again on later writes — run `carepack store repair` once it is back',
          ],
        }),
  };
}

/** One named backend, whatever `backend` the configuration selects (copy, verify, backup use this). */
export function openBackend(config: StoreConfig, name: BackendName): Promise<OpenedStore> {
  return name === 'dynamodb' ? openDynamo(config.dynamodb) : openPostgres(config.postgres);
}

async function openDynamo(config: DynamoConfig): Promise<OpenedStore> {
  const local =
    config.mode === 'embedded'
      ? await startDynamoLocal({ dataDir: config.dataDir, port: config.port })
      : undefined;
  const endpoint = local?.endpoint ?? config.endpoint;
  const { client, doc } = createDynamoClients({ endpoint, region: config.region });
  try {
    if (config.createTables) await ensureTable(client, config.tableName);
  } catch (e) {
    client.destroy();
    await local?.stop();
    throw e;
  }
  const store = createDynamoStore({
    client: doc,
    tableName: config.tableName,
    onClose: async () => {
      client.destroy();
      await local?.stop();
    },
  });
  const where =
    config.mode === 'embedded'
      ? `embedded DynamoDB Local at ${endpoint} (${config.dataDir ? `data in ${config.dataDir}` : 'in memory'})`
      : config.mode === 'aws'
        ? `AWS DynamoDB in ${config.region}`
        : `DynamoDB at ${endpoint}`;
  return { store, description: `${where}, table ${config.tableName}` };
}

async function openPostgres(config: PostgresConfig): Promise<OpenedStore> {
  const handle = config.url
    ? connectPostgres(config.url, { maxConnections: config.poolSize })
    : await openPglite(config.dataDir);
  try {
    // Schema migrations, then the data steps (embedded rates become rate records) not yet done.
    await upgradeToLatest(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const store = createPostgresStore({ db: handle.db, onClose: handle.close });
  const where = config.url
    ? `PostgreSQL at ${redact(config.url)}`
    : `embedded PostgreSQL (PGlite, ${config.dataDir ? `data in ${config.dataDir}` : 'in memory'})`;
  return { store, description: where };
}

/** The connection string without its password, for logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured server';
  }
}
