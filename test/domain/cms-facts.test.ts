/** cmsFacts: what CMS sees of a package head, from its revisions alone. */
import { describe, expect, test } from 'vitest';
import { cmsFacts, type Revision } from '../../src/domain/index.js';
import { contractOnlyDraft, MSHO, PMAP, revision } from './fixtures.js';

const at = (minute: number) => `2025-01-15T12:${String(minute).padStart(2, '0')}:00.000Z`;
const submittedAt = (r: Revision, minute: number): Revision => ({
  ...r,
  submitInfo: { ...r.submitInfo!, at: at(minute) },
});
const unlockedAt = (r: Revision, minute: number): Revision => ({
  ...r,
  unlockInfo: { ...r.unlockInfo!, at: at(minute) },
});
const withPrograms = (programIds: string[], submissionType = 'CONTRACT_ONLY' as const) => ({
  ...contractOnlyDraft().formData,
  submissionType,
  programIds,
});

describe('cmsFacts', () => {
  test('a draft never submitted: nothing for CMS', () => {
    expect(cmsFacts({ revisions: [revision(1, false)] })).toBeNull();
  });

  test('submitted: the revision and its submission time', () => {
    const r1 = submittedAt(revision(1, true, withPrograms([PMAP.id])), 1);
    expect(cmsFacts({ revisions: [r1] })).toEqual({
      updatedAt: at(1),
      revisionCount: 1,
      submissionType: 'CONTRACT_ONLY',
      programIds: [PMAP.id],
    });
  });

  test('unlocked: the last submitted revision, dated by the unlock, whatever the draft holds', () => {
    const r1 = submittedAt(revision(1, true, withPrograms([PMAP.id])), 1);
    const r2 = submittedAt(unlockedAt(revision(2, true, withPrograms([MSHO.id])), 2), 3);
    const draft = unlockedAt(revision(3, false, withPrograms([PMAP.id, MSHO.id])), 4);
    expect(cmsFacts({ revisions: [draft, r2, r1] })).toEqual({
      updatedAt: at(4),
      revisionCount: 2,
      submissionType: 'CONTRACT_ONLY',
      programIds: [MSHO.id],
    });
    expect(cmsFacts({ revisions: [r2, r1] })).toMatchObject({ updatedAt: at(3), revisionCount: 2 });
  });
});
