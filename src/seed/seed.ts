/**
 * Reference data for a new installation: the real state → program list and a few demo users.
 * Seeding fills in only what is missing, so edits made at run time are never overwritten.
 */
import { z } from 'zod';
import { type State, StateSchema, type User } from '../domain/index.js';
import type { Store } from '../store/store.js';
// Imported, not read from disk, so the production build (tsc) carries it into dist/server.
import statePrograms from './state-programs.json' with { type: 'json' };

const SeedFileSchema = z.object({ states: z.array(StateSchema).min(1) });

export function loadSeedStates(): State[] {
  return SeedFileSchema.parse(statePrograms).states;
}

/** Stable ids, so a demo user keeps its packages across restarts. */
export const DEMO_USERS: readonly User[] = [
  {
    id: '6f1c1e52-3b5a-4a8e-9d7e-0c1a2b3c4d01',
    email: 'mina.nelson@mn.example.gov',
    givenName: 'Mina',
    familyName: 'Nelson',
    role: 'STATE_USER',
    stateCode: 'MN',
  },
  {
    id: '6f1c1e52-3b5a-4a8e-9d7e-0c1a2b3c4d02',
    email: 'felix.ortiz@fl.example.gov',
    givenName: 'Felix',
    familyName: 'Ortiz',
    role: 'STATE_USER',
    stateCode: 'FL',
  },
  {
    id: '6f1c1e52-3b5a-4a8e-9d7e-0c1a2b3c4d03',
    email: 'vera.adams@va.example.gov',
    givenName: 'Vera',
    familyName: 'Adams',
    role: 'STATE_USER',
    stateCode: 'VA',
  },
  {
    id: '6f1c1e52-3b5a-4a8e-9d7e-0c1a2b3c4d10',
    email: 'cora.reed@cms.example.gov',
    givenName: 'Cora',
    familyName: 'Reed',
    role: 'CMS_USER',
    division: 'DMCO',
  },
  {
    id: '6f1c1e52-3b5a-4a8e-9d7e-0c1a2b3c4d20',
    email: 'adam.ines@cms.example.gov',
    givenName: 'Adam',
    familyName: 'Ines',
    role: 'ADMIN_USER',
  },
];

export interface SeedResult {
  statesAdded: number;
  usersAdded: number;
}

export async function seedStore(store: Store, options: { demoUsers: boolean }): Promise<SeedResult> {
  const have = new Set((await store.listStates()).map((s) => s.code));
  const states = loadSeedStates().filter((s) => !have.has(s.code));
  if (states.length > 0) await store.upsertStates(states);
  let usersAdded = 0;
  if (options.demoUsers) {
    const known = new Set((await store.listUsers()).map((u) => u.id));
    const users = DEMO_USERS.filter((u) => !known.has(u.id));
    if (users.length > 0) await store.upsertUsers(users);
    usersAdded = users.length;
  }
  return { statesAdded: states.length, usersAdded };
}
