/**
 * Text PostgreSQL cannot hold never comes back as a raw driver error (a 500 at the API): where
 * it reaches the database anyway (a lookup by a key holding a NUL), the store answers InvalidInput.
 */
import { expect, it } from 'vitest';
import { isStoreError } from '../../src/store/errors.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';

onEachPostgresBackend('text PostgreSQL cannot hold', (backend) => {
  it('a lookup by a key holding a NUL is InvalidInput, not a driver error', async () => {
    const { store } = backend();
    const lookups: [string, () => Promise<unknown>][] = [
      ['getPackage', () => store.getPackage('a\u0000b')],
      ['getState', () => store.getState('A\u0000')],
      ['getUser', () => store.getUser('\u0000')],
      ['listByState', () => store.listByState('A\u0000')],
      ['listAudit', () => store.listAudit('\u0000')],
      ['removePackage', () => store.removePackage('\u0000')],
    ];
    for (const [name, lookup] of lookups) {
      const error = await lookup().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStoreError(error, 'InvalidInput'), `${name}: ${String(error)}`).toBe(true);
    }
  });
});
