/**
 * API clients on every store (issue 14): created once per id, read back exactly, rotated (the
 * generation rises, atomically, never on a revoked client), revoked for good, `lastUsedAt` never
 * moved backwards, imported as given; and audit events keep the client an actor acted through.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/domain/index.js';
import type { DrivenStore } from '../support/store-commands.js';
import { cmsActor, freshState, stateActor, submitted } from './fixtures.js';
import { expectStoreError, suiteStore } from './suite-helpers.js';

const hash = (c: string) => `sha256:${c.repeat(64)}`;

function newClient(overrides: Partial<ApiClient> = {}): ApiClient {
  return {
    id: randomUUID(),
    name: 'Nightly sync',
    scopes: ['packages:read'],
    userId: randomUUID(),
    secretHash: hash('a'),
    secretGeneration: 0,
    createdAt: new Date().toISOString(),
    createdBy: randomUUID(),
    revoked: false,
    ...overrides,
  };
}

export function runApiClientsConformance(getStore: () => DrivenStore, nextCode: () => string) {
  const store = suiteStore(getStore);

  describe('API clients', () => {
    it('creates a client once and reads it back exactly, alone and in the list', async () => {
      const client = newClient({ scopes: ['packages:read', 'review:write'] });
      await store.createApiClient(client);
      expect(await store.getApiClient(client.id)).toEqual(client);
      expect((await store.listApiClients()).find((c) => c.id === client.id)).toEqual(client);
      await expectStoreError(store.createApiClient({ ...client, name: 'Other' }), 'ALREADY_EXISTS');
      expect((await store.getApiClient(client.id)).name).toBe('Nightly sync');
      await expectStoreError(store.getApiClient(randomUUID()), 'NOT_FOUND');
      await expectStoreError(store.getApiClient('not-a-uuid'), 'NOT_FOUND');
    });

    it('lists clients oldest first', async () => {
      const t = Date.now();
      const later = newClient({ createdAt: new Date(t + 2000).toISOString() });
      const earlier = newClient({ createdAt: new Date(t + 1000).toISOString() });
      await store.createApiClient(later);
      await store.createApiClient(earlier);
      const ids = (await store.listApiClients()).map((c) => c.id);
      expect(ids.indexOf(earlier.id)).toBeLessThan(ids.indexOf(later.id));
    });

    it('rotates the secret: new hash, generation raised once per rotation, even at once', async () => {
      const client = newClient();
      await store.createApiClient(client);
      const at = new Date().toISOString();
      const rotated = await store.rotateApiClientSecret(client.id, hash('b'), at);
      expect(rotated).toEqual({ ...client, secretHash: hash('b'), secretGeneration: 1, rotatedAt: at });
      expect(await store.getApiClient(client.id)).toEqual(rotated);
      await Promise.all([
        store.rotateApiClientSecret(client.id, hash('c'), at),
        store.rotateApiClientSecret(client.id, hash('d'), at),
      ]);
      expect((await store.getApiClient(client.id)).secretGeneration).toBe(3);
      await expectStoreError(store.rotateApiClientSecret(randomUUID(), hash('e'), at), 'NOT_FOUND');
    });

    it('revokes for good: the first revocation stands, and a revoked client is not rotated', async () => {
      const client = newClient();
      await store.createApiClient(client);
      const first = new Date().toISOString();
      const revoked = await store.revokeApiClient(client.id, first);
      expect(revoked).toEqual({ ...client, revoked: true, revokedAt: first });
      const again = await store.revokeApiClient(client.id, new Date(Date.now() + 5000).toISOString());
      expect(again.revokedAt).toBe(first);
      await expectStoreError(store.rotateApiClientSecret(client.id, hash('f'), first), 'VERSION_CONFLICT');
      expect(await store.getApiClient(client.id)).toEqual(revoked);
      await expectStoreError(store.revokeApiClient(randomUUID(), first), 'NOT_FOUND');
    });

    it('moves lastUsedAt forwards only, and ignores an unknown client', async () => {
      const client = newClient();
      await store.createApiClient(client);
      const t = Date.now();
      await store.touchApiClient(client.id, new Date(t).toISOString());
      await store.touchApiClient(client.id, new Date(t - 60_000).toISOString());
      expect((await store.getApiClient(client.id)).lastUsedAt).toBe(new Date(t).toISOString());
      await store.touchApiClient(client.id, new Date(t + 60_000).toISOString());
      expect(await store.getApiClient(client.id)).toEqual({
        ...client,
        lastUsedAt: new Date(t + 60_000).toISOString(),
      });
      await store.touchApiClient(randomUUID(), new Date(t).toISOString());
      await store.touchApiClient('not-a-uuid', new Date(t).toISOString());
    });

    it('imports clients exactly as given, replacing one of the same id', async () => {
      const client = newClient();
      await store.createApiClient(client);
      const replaced: ApiClient = {
        ...client,
        scopes: ['review:write'],
        secretHash: hash('9'),
        secretGeneration: 4,
        lastUsedAt: new Date().toISOString(),
        rotatedAt: new Date().toISOString(),
        revoked: true,
        revokedAt: new Date().toISOString(),
      };
      const fresh = newClient();
      await store.maintenance.importApiClients([replaced, fresh]);
      expect(await store.getApiClient(client.id)).toEqual(replaced);
      expect(await store.getApiClient(fresh.id)).toEqual(fresh);
      await store.maintenance.importApiClients([]);
    });

    it('keeps the API client an audit event was made through, and none on the others', async () => {
      const state = await freshState(store, nextCode);
      const pkg = await submitted(store, state, stateActor());
      const clientId = randomUUID();
      const through = { ...cmsActor(), clientId };
      const event = await store.appendAudit({
        at: new Date().toISOString(),
        packageId: pkg.id,
        actor: through,
        action: 'DOWNLOAD',
        summary: 'Downloaded contract.pdf',
      });
      const trail = (await store.listAudit(pkg.id)).items;
      expect(trail.at(-1)).toEqual(event);
      expect(trail.at(-1)!.actor).toEqual(through);
      expect(trail[0]!.actor).not.toHaveProperty('clientId');
    });
  });
}
