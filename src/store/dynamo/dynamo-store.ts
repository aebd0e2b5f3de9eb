/**
 * The DynamoDB backend, one module per concern: reference data (dynamo-reference), users and
 * sessions (dynamo-users), administrators' changes to users with their audit (dynamo-user-audit),
 * package writes (dynamo-writes), lists and audit trails (dynamo-lists), API clients
 * (dynamo-api-clients), and maintenance (dynamo-maintenance). Single-table layout: docs/dynamodb.md.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MaintainedStore } from '../store.js';
import { createDynamoApiClients } from './dynamo-api-clients.js';
import { mapDynamoErrors } from './dynamo-errors.js';
import { createDynamoLists } from './dynamo-lists.js';
import { createDynamoMaintenance } from './dynamo-maintenance.js';
import { createDynamoRateMaintenance, createDynamoRates } from './dynamo-rates.js';
import { createDynamoReference } from './dynamo-reference.js';
import { DynamoTable } from './dynamo-table.js';
import { createDynamoUserAudit } from './dynamo-user-audit.js';
import { createDynamoUsers } from './dynamo-users.js';
import { createDynamoWrites } from './dynamo-writes.js';

export interface DynamoStoreOptions {
  /** A ready document client; the store does not create clients. */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Called by `close()`, e.g. to stop an embedded engine the caller started. */
  onClose?: () => Promise<void>;
}

export function createDynamoStore(options: DynamoStoreOptions): MaintainedStore {
  const table = new DynamoTable(options.client, options.tableName);
  const { ensureState, ...reference } = createDynamoReference(table);
  const { getSessionGenerations, raiseSessionGenerations, ...users } = createDynamoUsers(table, ensureState);
  const { scanUserAudit, importUserAudit, ...userAudit } = createDynamoUserAudit(table, ensureState);
  const { importApiClients, ...apiClients } = createDynamoApiClients(table);
  const maintenance = mapDynamoErrors({
    ...createDynamoMaintenance(table),
    ...createDynamoRateMaintenance(table),
    getSessionGenerations,
    raiseSessionGenerations,
    scanUserAudit,
    importUserAudit,
    importApiClients,
  });
  return {
    ...mapDynamoErrors({
      backend: 'dynamodb',
      ...reference,
      ...users,
      ...createDynamoWrites(table, ensureState),
      ...createDynamoLists(table),
      ...createDynamoRates(table),
      ...userAudit,
      ...apiClients,
      async close() {
        await options.onClose?.();
      },
    }),
    maintenance,
  };
}
