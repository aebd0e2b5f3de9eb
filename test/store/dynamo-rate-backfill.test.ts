/**
 * The upgrade of a DynamoDB table written before rates were records: packages embedding rate
 * certifications get them as child rate records with frozen links (dynamo-rate-backfill.ts),
 * at start-up's table upgrade, resumable, once, and without losing a change made meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Package, RateCertification } from '../../src/domain/index.js';
import { createDynamoClients } from '../../src/store/dynamo/dynamo-client.js';
import { upgradeKey } from '../../src/store/dynamo/dynamo-keys.js';
import { backfillEmbeddedRates, RATE_BACKFILL } from '../../src/store/dynamo/dynamo-rate-backfill.js';
import { createDynamoStore } from '../../src/store/dynamo/dynamo-store.js';
import { ensureTable } from '../../src/store/dynamo/dynamo-tables.js';
import {
  cmsActor,
  cmsUser,
  document,
  fullFormData,
  makeState,
  minimalFormData,
  qaDocument,
  stateActor,
} from '../conformance/fixtures.js';
import { drive } from '../support/store-commands.js';

const endpoint = inject('dynamoEndpoint');
const clients = createDynamoClients({ endpoint, region: 'us-east-1' });
const tableName = `carepack-rate-backfill-${randomUUID()}`;
const store = drive(createDynamoStore({ client: clients.doc, tableName }));
const state = makeState('RB', ['PMAP']);
const actor = stateActor();

afterAll(async () => {
  await clients.client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
  clients.client.destroy();
});

/** The table as an older version left it: the upgrade not recorded. */
const forgetUpgrade = () =>
  clients.doc.send(new DeleteCommand({ TableName: tableName, Key: upgradeKey(RATE_BACKFILL) }));

/** A package embedding `count` rate certifications (each with its rate document), sent, unlocked, edited, sent again. */
async function resubmittedWithRates(count: number): Promise<Package> {
  const form = fullFormData(state);
  const rateCertifications: RateCertification[] = Array.from({ length: count }, () => ({
    ...form.rateCertifications[0]!,
    id: randomUUID(),
  }));
  const created = await store.createDraft({
    id: randomUUID(),
    stateCode: state.code,
    formData: { ...form, rateCertifications },
    documents: [
      document('contract.pdf'),
      ...rateCertifications.map((c, i) => document(`rates-${i}.pdf`, 'RATE', c.id)),
    ],
    actor,
  });
  const sent = await store.submit(created.id, { expectedVersion: created.version, actor });
  const asked = await store.askQuestion(sent.id, {
    user: cmsUser({ division: 'DMCO' }),
    text: 'About the first rate',
    documents: [qaDocument()],
    rateId: rateCertifications[0]!.id,
  });
  const unlocked = await store.unlock(sent.id, {
    expectedVersion: asked.version,
    actor: cmsActor(),
    reason: 'fix',
  });
  // The second submission changes the first certification's actuarial dates.
  const edited = await store.updateDraft(sent.id, {
    expectedVersion: unlocked.version,
    formData: {
      ...unlocked.revisions[0]!.formData,
      rateCertifications: rateCertifications.map((c, i) =>
        i === 0 ? { ...c, rateDateCertified: '2026-02-02' } : c,
      ),
    },
    actor,
  });
  return store.resubmit(sent.id, { expectedVersion: edited.version, actor, reason: 'fixed' });
}

describe('DynamoDB upgrade: embedded rate certifications become rate records', () => {
  it('converts at the table upgrade, once, a package too large for one transaction in steps', async () => {
    expect(await ensureTable(clients.client, tableName)).toBe('created');
    await store.upsertStates([state]);
    const small = await resubmittedWithRates(2);
    // 20 rates of two revisions each, and the package's rewrite: over one transaction's 100 items.
    const large = await resubmittedWithRates(20);
    const plain = await store.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData: minimalFormData(state),
      actor,
    });
    const draft = await store.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData: fullFormData(state),
      actor,
    });
    await forgetUpgrade();

    // The start-up path: the table exists, its upgrade runs.
    expect(await ensureTable(clients.client, tableName)).toBe('upgraded');

    for (const before of [small, large]) {
      const after = await store.getPackage(before.id);
      const certs = before.revisions[0]!.formData.rateCertifications;
      expect(after.version).toBe(before.version + 1);
      expect(after.revisions.map((r) => r.formData.rateCertifications)).toEqual([[], []]);
      // Frozen: the resubmission sent each rate's second revision, the first submission its first.
      expect(after.revisions.map((r) => r.rateLinks)).toEqual([
        certs.map((c) => ({ rateId: c.id, rateRevision: 2 })),
        certs.map((c) => ({ rateId: c.id, rateRevision: 1 })),
      ]);
      expect(after.revisions.map((r) => r.documents.map((d) => d.name))).toEqual([
        ['contract.pdf'],
        ['contract.pdf'],
      ]);
      // The question still names the same rate, now a record.
      expect(after.questions.map((q) => q.rateId)).toEqual([certs[0]!.id]);
      const rates = await store.getRates(certs.map((c) => c.id));
      expect(rates.map((r) => [r.parentPackageId, r.packageIds, r.status, r.revisions.length])).toEqual(
        certs.map(() => [before.id, [before.id], 'RESUBMITTED', 2]),
      );
      expect(rates[0]!.revisions.map((r) => r.formData.rateDateCertified)).toEqual([
        '2026-02-02',
        before.revisions[1]!.formData.rateCertifications[0]!.rateDateCertified,
      ]);
      expect(rates.map((r) => r.revisions[0]!.documents.map((d) => d.name))).toEqual(
        certs.map((_, i) => [`rates-${i}.pdf`]),
      );
      expect(rates.map((r) => r.revisions[0]!.submittedWith)).toEqual(
        certs.map(() => ({ packageId: before.id, packageRevision: 2 })),
      );
    }
    const drafted = await store.getPackage(draft.id);
    expect(drafted.revisions[0]!.rateLinks.map((l) => l.rateRevision)).toEqual(
      draft.revisions[0]!.formData.rateCertifications.map(() => null),
    );
    expect(await store.getPackage(plain.id)).toEqual(plain);
    // Each rate numbered once, from 1, from the state's rate counter (the draft's rate is in no list).
    const listed = (await store.listRates({ stateCode: state.code, limit: 100 })).items;
    expect(listed).toHaveLength(22);
    const draftRates = await store.getRates(drafted.revisions[0]!.rateLinks.map((l) => l.rateId));
    const numbers = [...listed, ...draftRates].map((r) => r.stateRateNumber).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));

    // Done: a second run does not scan; a forced rescan finds nothing to move.
    expect(await backfillEmbeddedRates(clients.client, tableName)).toEqual({ packages: 0, ran: false });
    await forgetUpgrade();
    const converted = await store.getPackage(small.id);
    expect(await backfillEmbeddedRates(clients.client, tableName)).toEqual({ packages: 0, ran: true });
    expect(await store.getPackage(small.id)).toEqual(converted);
  }, 240_000);

  it('does not lose a change of the package made while it is converted', async () => {
    const d = await store.createDraft({
      id: randomUUID(),
      stateCode: state.code,
      formData: fullFormData(state),
      actor,
    });
    await forgetUpgrade();
    // A client whose first transaction (the conversion) lands after the state edited the draft.
    const racing = createDynamoClients({ endpoint, region: 'us-east-1' });
    let edited: Package | undefined;
    let editing = false;
    racing.client.middlewareStack.add(
      (next, context) => async (args) => {
        const converting = JSON.stringify((args as { input: unknown }).input).includes(d.id);
        if (context.commandName === 'TransactWriteItemsCommand' && converting && !editing) {
          editing = true;
          const now = await store.getPackage(d.id);
          edited = await store.updateDraft(d.id, {
            expectedVersion: now.version,
            formData: { ...now.revisions[0]!.formData, contractDateStart: '2027-01-01' },
            actor,
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'editMeanwhile' },
    );
    try {
      expect(await backfillEmbeddedRates(racing.client, tableName)).toEqual({ packages: 1, ran: true });
    } finally {
      racing.client.destroy();
    }
    const after = await store.getPackage(d.id);
    expect(edited).toBeDefined();
    expect(after.version).toBe(edited!.version + 1);
    expect(after.revisions[0]!.formData.contractDateStart).toBe('2027-01-01');
    expect(after.revisions[0]!.formData.rateCertifications).toEqual([]);
    expect(after.revisions[0]!.rateLinks.map((l) => l.rateId)).toEqual(
      d.revisions[0]!.formData.rateCertifications.map((c) => c.id),
    );
  }, 120_000);
});
