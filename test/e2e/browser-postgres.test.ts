/** The browser walk (browser-walk.ts) on the PostgreSQL server: a database of its own, dropped afterwards. */
import { createTestDatabase, pgAvailable } from '../support/postgres.js';
import { walkThePortal } from './browser-walk.js';

walkThePortal({
  name: 'PostgreSQL',
  available: pgAvailable,
  checksPages: false,
  env: async () => {
    const db = await createTestDatabase('carepack_browser');
    return { env: { CAREPACK_STORE: 'postgres', DATABASE_URL: db.url }, cleanup: () => db.drop() };
  },
});
