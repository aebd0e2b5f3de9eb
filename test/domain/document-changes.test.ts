import { describe, expect, it } from 'vitest';
import {
  applyDocumentChanges,
  cleanDocumentName,
  documentListKey,
  type PackageDocument,
} from '../../src/domain/index.js';

const rateA = '11111111-1111-4111-8111-111111111111';
const rateB = '22222222-2222-4222-8222-222222222222';
const doc = (
  id: string,
  name: string,
  category: PackageDocument['category'],
  rateId?: string,
): PackageDocument => ({
  id,
  name,
  bucket: 'b',
  key: `packages/p/${id}.pdf`,
  size: 10,
  contentType: 'application/pdf',
  sha256: 'a'.repeat(64),
  category,
  ...(rateId ? { rateId } : {}),
  addedAt: '2026-01-01T00:00:00.000Z',
  scanStatus: 'CLEAN',
});
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const form = { rateCertifications: [{ id: rateA }, { id: rateB }] } as never;

describe('cleanDocumentName', () => {
  it('keeps the extension of a name over 255 characters, shortening the part before it', () => {
    const name = cleanDocumentName(`${'x'.repeat(400)}.pdf`);
    expect([...name]).toHaveLength(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });
  it('drops folders, control characters and lone surrogates', () => {
    expect(cleanDocumentName('..\\a/b\u0000c\u0007\ud800.pdf')).toBe('bc.pdf');
  });
});

describe('the duplicate-name rule', () => {
  it('is per list: one category, or one rate certification', () => {
    expect(documentListKey(doc(id(1), 'Rates.pdf', 'RATE', rateA))).not.toBe(
      documentListKey(doc(id(2), 'rates.pdf', 'RATE', rateB)),
    );
    expect(documentListKey(doc(id(1), 'A.pdf', 'CONTRACT'))).toBe(
      documentListKey(doc(id(2), 'a.PDF', 'CONTRACT', rateA)),
    );
  });
});

describe('applyDocumentChanges', () => {
  const recorded = [doc(id(1), 'a.pdf', 'CONTRACT'), doc(id(2), 'r.pdf', 'RATE', rateA)];

  it('keeps server facts and applies name, order, category and rate', () => {
    const result = applyDocumentChanges(
      recorded,
      [
        { id: id(2), rateId: rateB },
        { id: id(1), name: 'b.pdf', category: 'CONTRACT_SUPPORTING' },
      ],
      form,
    );
    expect(result).toEqual({
      documents: [
        { ...recorded[1], rateId: rateB },
        { ...recorded[0], name: 'b.pdf', category: 'CONTRACT_SUPPORTING' },
      ],
    });
  });

  it('drops the rate of a document moved to a contract list', () => {
    const result = applyDocumentChanges(recorded, [{ id: id(2), category: 'CONTRACT' }], form);
    expect('documents' in result && result.documents[0]).not.toHaveProperty('rateId');
  });

  it('refuses unknown or repeated ids, new extensions, clashing names and rates not in the form', () => {
    const result = applyDocumentChanges(
      recorded,
      [{ id: id(1), name: 'a.exe' }, { id: id(9) }, { id: id(1) }, { id: id(2), rateId: id(7) }],
      form,
    );
    expect('errors' in result && result.errors.map((e) => e.path)).toEqual([
      'documents.0.name',
      'documents.1.id',
      'documents.2.id',
      'documents.3.rateId',
    ]);
  });
});
