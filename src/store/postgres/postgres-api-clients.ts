/**
 * API clients on PostgreSQL (migration 0012): one row each. A rotation sets the new hash and
 * raises the generation in one guarded UPDATE, so two at once raise it by two and neither revives
 * a revoked client.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import { type ApiClient, type ApiScope, assertStorableText, isUuid } from '../../domain/index.js';
import { alreadyExists, notFound, StoreError } from '../errors.js';
import type { ApiClientOperations } from '../store.js';
import type { ApiClientsTable, Database } from './postgres-schema.js';

export function apiClientRow(c: ApiClient): Insertable<ApiClientsTable> {
  return {
    id: c.id,
    name: c.name,
    scopes: c.scopes.join(' '),
    user_id: c.userId,
    secret_hash: c.secretHash,
    secret_generation: c.secretGeneration,
    created_at: c.createdAt,
    created_by: c.createdBy,
    last_used_at: c.lastUsedAt ?? null,
    rotated_at: c.rotatedAt ?? null,
    revoked: c.revoked,
    revoked_at: c.revokedAt ?? null,
  };
}

export function apiClientFromRow(r: Selectable<ApiClientsTable>): ApiClient {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes.split(' ') as ApiScope[],
    userId: r.user_id,
    secretHash: r.secret_hash,
    secretGeneration: r.secret_generation,
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
    ...(r.rotated_at ? { rotatedAt: r.rotated_at } : {}),
    revoked: r.revoked,
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
  };
}

export function createPostgresApiClients(db: Kysely<Database>): ApiClientOperations {
  async function read(id: string): Promise<ApiClient> {
    const row = isUuid(id)
      ? await db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw notFound('API client', id);
    return apiClientFromRow(row);
  }

  return {
    async createApiClient(client) {
      assertStorableText(client, ['client']);
      const inserted = await db
        .insertInto('api_clients')
        .values(apiClientRow(client))
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw alreadyExists('API client', client.id);
    },
    getApiClient: read,
    async listApiClients() {
      const rows = await db
        .selectFrom('api_clients')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(apiClientFromRow);
    },
    async rotateApiClientSecret(id, secretHash, at) {
      const row = isUuid(id)
        ? await db
            .updateTable('api_clients')
            .set((eb) => ({
              secret_hash: secretHash,
              rotated_at: at,
              secret_generation: eb('secret_generation', '+', 1),
            }))
            .where('id', '=', id)
            .where('revoked', '=', false)
            .returningAll()
            .executeTakeFirst()
        : undefined;
      if (row) return apiClientFromRow(row);
      await read(id); // NOT_FOUND when it does not exist
      throw new StoreError('VERSION_CONFLICT', `API client ${id} is revoked`, { id });
    },
    async revokeApiClient(id, at) {
      if (isUuid(id))
        await db
          .updateTable('api_clients')
          .set({ revoked: true, revoked_at: at })
          .where('id', '=', id)
          .where('revoked', '=', false)
          .execute();
      return read(id);
    },
    async touchApiClient(id, at) {
      if (!isUuid(id)) return;
      await db
        .updateTable('api_clients')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    },
    async importApiClients(clients) {
      assertStorableText(clients, ['clients']);
      if (clients.length === 0) return;
      await db
        .insertInto('api_clients')
        .values(clients.map(apiClientRow))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            scopes: eb.ref('excluded.scopes'),
            user_id: eb.ref('excluded.user_id'),
            secret_hash: eb.ref('excluded.secret_hash'),
            secret_generation: eb.ref('excluded.secret_generation'),
            created_at: eb.ref('excluded.created_at'),
            created_by: eb.ref('excluded.created_by'),
            last_used_at: eb.ref('excluded.last_used_at'),
            rotated_at: eb.ref('excluded.rotated_at'),
            revoked: eb.ref('excluded.revoked'),
            revoked_at: eb.ref('excluded.revoked_at'),
          })),
        )
        .execute();
    },
  };
}
