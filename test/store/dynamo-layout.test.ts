/** DynamoDB-only guarantees: no Scan on request paths, numbers safe from a rewound counter, item sizes. */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTUARIAL_FIRMS,
  FormDataSchema,
  MAX_ACTUARIES,
  MAX_CONTACTS,
  MAX_PROGRAMS,
  MAX_RATE_CERTIFICATIONS,
  MEDICAID_POPULATION_KEYS,
  MODIFIED_PROVISION_KEYS,
  planApprove,
  planAskQuestion,
  planRespond,
  planSetDivision,
  type QaDocument,
  type User,
} from '../../src/domain/index.js';
import { counterKey } from '../../src/store/dynamo/dynamo-keys.js';
import { reviewActionToItem, revisionToItem } from '../../src/store/dynamo/dynamo-marshal.js';
import { cmsActor, document, draft, makeState, stateActor } from '../conformance/fixtures.js';
import { freshDynamoStore } from '../support/dynamo.js';
import type { DrivenStore } from '../support/store-commands.js';

function qaDocument(): QaDocument {
  const { category: _c, rateId: _r, ...doc } = document('q.pdf');
  return doc;
}

let store: DrivenStore;
let tableName: string;
let clients: Awaited<ReturnType<typeof freshDynamoStore>>['clients'];
const commands: string[] = [];
const reviewer: User = {
  id: randomUUID(),
  email: 'reviewer@cms.example.gov',
  givenName: 'R',
  familyName: 'V',
  role: 'CMS_USER',
};

beforeAll(async () => {
  ({ store, tableName, clients } = await freshDynamoStore('carepack-layout'));
  clients.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});
afterAll(() => store.close());

describe('DynamoDB layout', () => {
  it('serves every store operation without a Scan', async () => {
    const state = makeState('SC');
    await store.upsertStates([state]);
    const actor = stateActor();
    commands.length = 0;
    const pkg = await draft(store, state, actor);
    await store.getPackage(pkg.id);
    await store.updateDraft(pkg.id, { expectedVersion: 1, documents: [document('a.pdf')], actor });
    const sub = await store.submit(pkg.id, { expectedVersion: 2, actor });
    const un = await store.unlock(pkg.id, { expectedVersion: sub.version, actor: cmsActor(), reason: 'r' });
    await store.resubmit(pkg.id, { expectedVersion: un.version, actor, reason: 'r' });
    const at = new Date().toISOString();
    const documents = [qaDocument()];
    const asked = await store.changePackage(pkg.id, (p) =>
      planAskQuestion(p, { user: { ...reviewer, division: 'DMCO' }, at, id: randomUUID(), documents }),
    );
    const responder: User = { ...reviewer, role: 'STATE_USER', stateCode: state.code };
    const questionId = asked.after.questions[0]!.id;
    const answered = await store.changePackage(pkg.id, (p) =>
      planRespond(p, { user: responder, at, id: randomUUID(), questionId, documents }),
    );
    await store.changePackage(pkg.id, (p) =>
      planApprove(p, {
        user: reviewer,
        at,
        expectedVersion: answered.after.version,
        releasedOn: at.slice(0, 10),
      }),
    );
    await store.listByState(state.code, { reviewStatus: 'APPROVED' });
    await store.listByState(state.code, { reviewStatus: 'APPROVED', status: 'RESUBMITTED' });
    await store.listSubmitted({ reviewStatus: 'APPROVED' });
    await store.listSubmitted({ stateCode: state.code, reviewStatus: 'APPROVED', status: 'RESUBMITTED' });
    await store.listByState(state.code);
    await store.listByState(state.code, { status: 'RESUBMITTED' });
    await store.listSubmitted();
    await store.listSubmitted({ stateCode: state.code });
    await store.listSubmitted({ status: 'SUBMITTED' });
    await store.listSubmitted({ stateCode: state.code, status: 'SUBMITTED' });
    await store.listAudit(pkg.id);
    await store.listStates();
    await store.listUsers();
    await store.upsertUsers([reviewer]);
    await store.changeUser(reviewer.id, (before) =>
      planSetDivision(before, { admin: { ...reviewer, role: 'ADMIN_USER' }, at, division: 'OACT' }),
    );
    await store.listUserAudit();
    const gone = await draft(store, state, actor);
    await store.deleteDraft(gone.id, { expectedVersion: 1, actor });
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((c) => c.includes('Scan'))).toEqual([]);
  });

  it('never hands out a number twice, even when the counter is rewound', async () => {
    const state = makeState('RW');
    await store.upsertStates([state]);
    const first = await Promise.all([1, 2, 3].map(() => draft(store, state)));
    // An operator restores an old backup of the counter item: the claims still hold.
    await clients.doc.send(
      new PutCommand({ TableName: tableName, Item: { ...counterKey(state.code), last: 1 } }),
    );
    const later = await Promise.all([1, 2].map(() => draft(store, state)));
    const numbers = [...first, ...later].map((p) => p.stateNumber).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(5);
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the largest possible revision item far below the 400 KB item limit', async () => {
    const long = (n: number) => 'x'.repeat(n);
    const programIds = Array.from({ length: MAX_PROGRAMS }, () => randomUUID());
    const formData = FormDataSchema.parse({
      submissionType: 'CONTRACT_AND_RATES',
      programIds,
      submissionDescription: long(10_000),
      contractType: 'AMENDMENT',
      itemsBeingAmended: ['OTHER'],
      otherItemBeingAmended: long(1000),
      populationCovered: 'MEDICAID_AND_CHIP',
      riskBasedContract: true,
      contractExecutionStatus: 'UNEXECUTED',
      dsnpContract: true,
      modifiedProvisions: Object.fromEntries(MODIFIED_PROVISION_KEYS.map((p) => [p, true])),
      rateCertifications: Array.from({ length: MAX_RATE_CERTIFICATIONS }, () => ({
        id: randomUUID(),
        rateProgramIds: programIds,
        capitationType: 'RATE_RANGE',
        medicaidPopulations: [...MEDICAID_POPULATION_KEYS],
        certifyingActuaries: Array.from({ length: MAX_ACTUARIES }, () => ({
          name: long(200),
          title: long(200),
          email: long(320),
          actuarialFirm: ACTUARIAL_FIRMS[6],
          actuarialFirmOther: long(200),
        })),
      })),
      stateContacts: Array.from({ length: MAX_CONTACTS }, () => ({
        name: long(200),
        title: long(200),
        email: long(320),
      })),
    });
    const item = revisionToItem(randomUUID(), {
      id: randomUUID(),
      number: 1,
      createdAt: new Date().toISOString(),
      formData,
      documents: [],
      submitInfo: { at: new Date().toISOString(), by: stateActor(), reason: long(5000) },
      unlockInfo: { at: new Date().toISOString(), by: cmsActor(), reason: long(5000) },
      rateLinks: [],
    });
    const bytes = Buffer.byteLength(JSON.stringify(marshall(item)));
    expect(bytes).toBeLessThan(200_000);
    // And DynamoDB itself accepts it.
    await clients.doc.send(new PutCommand({ TableName: tableName, Item: item }));
  });

  it('keeps the largest possible review action item small (the reason is bounded)', () => {
    const action = reviewActionToItem(
      randomUUID(),
      {
        id: randomUUID(),
        action: 'APPROVE',
        at: new Date().toISOString(),
        by: { ...cmsActor(), email: `${'x'.repeat(300)}@cms.example.gov` },
        reason: '\u{1F600}'.repeat(5000), // 4 bytes each in UTF-8
        releasedOn: '2026-01-01',
      },
      999_999,
    );
    expect(Buffer.byteLength(JSON.stringify(marshall(action)))).toBeLessThan(25_000);
  });
});
