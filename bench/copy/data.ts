/** The copy benchmark's data: states with programs of their own, and the seeded source table. */
import { randomUUID } from 'node:crypto';
import type { Package, State } from '../../src/domain/index.js';
import type { AuditEvent } from '../../src/store/store.js';
import { generatePackages } from '../../test/support/package-factory.js';
import { chunks } from '../lib/chunks.js';
import type { Env } from './env.js';
import { type Measure, measure } from './measure.js';
import { PACKAGES, SEED_BATCH, STATES } from './settings.js';

/** States with programs of their own (program ids are a primary key in PostgreSQL). */
export const states: State[] = STATES.map((code) => ({
  code,
  name: `State ${code}`,
  programs: [
    { id: randomUUID(), name: 'PMAP', fullName: `Prepaid Medical Assistance Program of ${code}` },
    { id: randomUUID(), name: 'MSC+', fullName: `Senior Care Plus of ${code}` },
  ],
}));

export interface Seeded {
  packages: Package[];
  audit: AuditEvent[];
  measure: Measure;
}

/** The source table: PACKAGES generated packages, their audit events, the counters. */
export async function seed(env: Env): Promise<Seeded> {
  const data = generatePackages(states, PACKAGES);
  const m = await measure(
    `seed DynamoDB (importPackages ×${SEED_BATCH}, importAudit, raiseCounters)`,
    async () => {
      await env.source.upsertStates(states);
      for (const batch of chunks(data.packages, SEED_BATCH))
        await env.source.maintenance.importPackages(batch, { mode: 'overwrite' });
      await env.source.maintenance.importAudit(data.audit);
      await env.source.maintenance.raiseCounters(data.counters);
      return { packages: PACKAGES, extra: { auditEvents: data.audit.length } };
    },
  );
  return { packages: data.packages, audit: data.audit, measure: m };
}
