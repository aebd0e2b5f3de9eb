/**
 * Whole packages in every status, built directly (no store round trips), for seeding large
 * stores quickly through `importPackages`: copy tests, the kill-and-resume test, benchmarks.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Package, PackageDocument, Revision, State } from '../../src/domain/index.js';
import { FormDataSchema } from '../../src/domain/index.js';
import type { AuditEvent } from '../../src/store/store.js';
import { document } from '../conformance/fixtures.js';
import { amendmentProvisions, completeForm } from './complete-form.js';

const STATUSES = ['DRAFT', 'SUBMITTED', 'UNLOCKED', 'RESUBMITTED'] as const;

/** A clean document as the upload path records it. */
function doc(
  name: string,
  category: PackageDocument['category'],
  at: string,
  rateId?: string,
): PackageDocument {
  return { ...document(name, category, rateId), addedAt: at, scanStatus: 'CLEAN' };
}

function revision(
  state: State,
  number: number,
  at: Date,
  submitted: boolean,
  unlocked: boolean,
  actor: Actor,
): Revision {
  const iso = at.toISOString();
  const rateId = randomUUID();
  const formData = FormDataSchema.parse(
    completeForm(
      { programIds: [state.programs[0]!.id], rateId },
      {
        submissionDescription: `Contract and rates, revision ${number}`,
        contractType: number > 1 ? 'AMENDMENT' : 'BASE',
        ...(number > 1 ? { modifiedProvisions: amendmentProvisions() } : {}),
      },
    ),
  );
  const cms: Actor = {
    id: '00000000-0000-4000-8000-000000000010',
    email: 'cms@example.gov',
    role: 'CMS_USER',
  };
  return {
    id: randomUUID(),
    number,
    createdAt: iso,
    formData,
    documents: [
      doc('contract.pdf', 'CONTRACT', iso),
      doc('appendix.pdf', 'CONTRACT_SUPPORTING', iso),
      doc('rates.pdf', 'RATE', iso, rateId),
    ],
    submitInfo: submitted
      ? {
          at: new Date(at.getTime() + 1000).toISOString(),
          by: actor,
          reason: number === 1 ? 'Initial submission' : 'Fixed',
        }
      : null,
    unlockInfo: unlocked ? { at: iso, by: cms, reason: 'Please fix the rates' } : null,
    rateLinks: [],
  };
}

export interface GeneratedData {
  packages: Package[];
  audit: AuditEvent[];
  counters: Record<string, number>;
}

/** `count` packages spread over `states`, cycling through the four statuses. */
export function generatePackages(
  states: readonly State[],
  count: number,
  startAt = Date.UTC(2026, 0, 1),
): GeneratedData {
  const packages: Package[] = [];
  const audit: AuditEvent[] = [];
  const counters: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const state = states[i % states.length]!;
    const number = (counters[state.code] ?? 0) + 1;
    counters[state.code] = number;
    const status = STATUSES[i % STATUSES.length]!;
    const actor: Actor = {
      id: '00000000-0000-4000-8000-000000000001',
      email: 'analyst@state.example.gov',
      role: 'STATE_USER',
    };
    const created = new Date(startAt + i * 60_000);
    const first = revision(state, 1, created, status !== 'DRAFT', false, actor);
    const revisions =
      status === 'UNLOCKED' || status === 'RESUBMITTED'
        ? [
            revision(state, 2, new Date(created.getTime() + 5000), status === 'RESUBMITTED', true, actor),
            first,
          ]
        : [first];
    const newest = revisions[0]!;
    const updatedAt = newest.submitInfo?.at ?? newest.createdAt;
    const id = randomUUID();
    packages.push({
      id,
      stateCode: state.code,
      stateNumber: number,
      status,
      version: revisions.length + (status === 'DRAFT' ? 0 : 1),
      createdAt: created.toISOString(),
      updatedAt,
      initiallySubmittedAt: first.submitInfo?.at ?? null,
      revisions,
      reviewStatus: first.submitInfo ? 'UNDER_REVIEW' : null,
      reviewActions: [],
      questions: [],
    });
    audit.push({
      id: randomUUID(),
      packageId: id,
      at: created.toISOString(),
      actor,
      action: 'CREATE',
      summary: `Draft created as number ${number}`,
    });
    if (first.submitInfo) {
      audit.push({
        id: randomUUID(),
        packageId: id,
        at: first.submitInfo.at,
        actor,
        action: 'SUBMIT',
        summary: 'Submitted to CMS',
      });
    }
  }
  return { packages, audit, counters };
}
