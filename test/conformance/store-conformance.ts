/**
 * THE definition of a Carepack store. Every backend runs this suite unchanged:
 *
 *   runStoreConformance({ name: 'dynamodb', createStore: async () => ..., inspect: ... })
 *
 * It talks to the store through the `Store` interface only; `inspect` lets a backend hand in
 * a read of its own raw records, so the suite can check that nothing is left half-written.
 * The tests live in one file per concern, each called here in the suite's order.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { DrivenStore } from '../support/store-commands.js';
import { runApiClientsConformance } from './api-clients-conformance.js';
import { runAuditConformance } from './audit-conformance.js';
import { runCmsViewConformance } from './cms-view-conformance.js';
import { runConcurrencyConformance } from './concurrency-conformance.js';
import { runCountersConformance } from './counters-conformance.js';
import { runDraftsConformance } from './drafts-conformance.js';
import { stateCodes } from './fixtures.js';
import { runFormFieldsConformance } from './form-fields-conformance.js';
import { runImportConformance } from './import-conformance.js';
import { runListsConformance } from './lists-conformance.js';
import { runMaintenanceConformance } from './maintenance-conformance.js';
import { runNumberingConformance } from './numbering-conformance.js';
import { runPlansConformance } from './plans-conformance.js';
import { runQuestionsConformance } from './questions-conformance.js';
import { runRatesConformance } from './rates-conformance.js';
import { runRatesModel } from './rates-model.js';
import { runReferenceConformance } from './reference-conformance.js';
import { runReviewConformance } from './review-conformance.js';
import { sessionsConformance } from './sessions-conformance.js';
import { runTextConformance } from './text-conformance.js';
import { runTransitionsConformance } from './transitions-conformance.js';
import { runUserAuditConformance } from './user-audit-conformance.js';

export interface ConformanceOptions {
  name: string;
  /** A store on an empty, isolated database. Called once per suite run. */
  createStore: () => Promise<DrivenStore>;
  /** Backend-side reads of what is really stored. */
  inspect: {
    /** How many raw records (rows, items) hold the package's head, revisions and documents — audit excluded. */
    packageRecordCount(store: DrivenStore, packageId: string): Promise<number>;
  };
}

export function runStoreConformance(options: ConformanceOptions) {
  describe(`Store conformance: ${options.name}`, () => {
    let store: DrivenStore;
    const nextCode = stateCodes();
    const records = (id: string) => options.inspect.packageRecordCount(store, id);

    beforeAll(async () => {
      store = await options.createStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    runNumberingConformance(() => store, nextCode);
    runTextConformance(() => store, nextCode);
    runCmsViewConformance(() => store, nextCode);
    sessionsConformance(() => store, nextCode);
    runImportConformance(() => store, nextCode);
    runReferenceConformance(() => store, nextCode);
    runDraftsConformance(() => store, nextCode, records);
    runFormFieldsConformance(() => store, nextCode);
    runTransitionsConformance(() => store, nextCode);
    runListsConformance(() => store, nextCode);
    runAuditConformance(() => store, nextCode);
    runCountersConformance(() => store, nextCode);
    runMaintenanceConformance(() => store, nextCode, records);
    runConcurrencyConformance(() => store, nextCode);
    runPlansConformance(() => store, nextCode);
    runReviewConformance(() => store, nextCode, records);
    runQuestionsConformance(() => store, nextCode);
    runUserAuditConformance(() => store, nextCode);
    runApiClientsConformance(() => store, nextCode);
    runRatesConformance(() => store, nextCode);
    runRatesModel(() => store, nextCode, options.name);
  });
}
