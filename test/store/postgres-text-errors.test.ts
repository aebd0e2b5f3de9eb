/**
 * Text PostgreSQL cannot hold never comes back as a raw driver error (a 500 at the API): where
 * it reaches the database anyway (a lookup by a key holding a NUL), the store answers InvalidInput.
 */
import { expect, it } from 'vitest';
import { hasErrorCode } from '../../src/domain/index.js';
import { onEachPostgresBackend } from '../support/postgres-backends.js';

onEachPostgresBackend('text PostgreSQL cannot hold', (backend) => {
  it('a lookup by a state code holding a NUL is InvalidInput, not a driver error', async () => {
    const { store } = backend();
    // Ids are checked for being uuids before any lookup (see the text conformance); state codes are not.
    const lookups: [string, () => Promise<unknown>][] = [
      ['getState', () => store.getState('A\u0000')],
      ['listByState', () => store.listByState('A\u0000')],
      ['listSubmitted', () => store.listSubmitted({ stateCode: '\u0000B' })],
    ];
    for (const [name, lookup] of lookups) {
      const error = await lookup().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(hasErrorCode(error, 'VALIDATION_FAILED'), `${name}: ${String(error)}`).toBe(true);
    }
  });
});
