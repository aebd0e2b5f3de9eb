/**
 * What the pages say and offer about the rates a package carries: the "newer revision" note,
 * which search results can be linked, CMS's rate decisions, the link search's query, and the
 * draft's save sending linked rates exactly as the server shows them.
 */
import { describe, expect, it } from 'vitest';
import type { FormData, PackageView, RateCertification, RateLinkView } from '../../web/src/api/types.js';
import {
  isLinked,
  linkChoice,
  newerRevisionNote,
  rateDecisions,
  rateSearchQuery,
  ratesById,
} from '../../web/src/components/rate-links.js';
import { withLinkedRatesAsShown } from '../../web/src/form/linked-rates.js';
import { filtersOf, packagesCsvHref, withFilter } from '../../web/src/pages/list-params.js';

const OWN = '00000000-0000-4000-8000-000000000001';
const LINKED = '00000000-0000-4000-8000-000000000002';
const OTHER = '00000000-0000-4000-8000-000000000003';

const link = (rateId: string, isChild: boolean, over: Partial<RateLinkView> = {}): RateLinkView => ({
  rateId,
  rateNumber: 'MN-RATE-0001',
  name: 'MCR-MN-PMAP-20270101-20271231-CERTIFICATION-20261015',
  parentPackageId: OTHER,
  parentPackageName: 'MN-PMAP-0001',
  isChild,
  status: 'SUBMITTED',
  rateRevision: 1,
  latestSubmittedRevision: 1,
  ...over,
});

describe('the newer-revision note', () => {
  it('speaks only when the rate was submitted again after the revision the package carries', () => {
    expect(newerRevisionNote({ rateRevision: 1, latestSubmittedRevision: 3 })).toBe(
      'A newer revision of this rate certification was submitted (revision 3); this package carries revision 1.',
    );
    expect(newerRevisionNote({ rateRevision: 2, latestSubmittedRevision: 2 })).toBeNull();
    // A draft child rate being edited shows a revision newer than any submitted one.
    expect(newerRevisionNote({ rateRevision: 3, latestSubmittedRevision: 2 })).toBeNull();
    expect(newerRevisionNote({ rateRevision: 1, latestSubmittedRevision: null })).toBeNull();
  });
});

describe('linked and own rates of a revision', () => {
  it('tells a rate another package owns from the package’s own, and an unknown id from both', () => {
    const rates = ratesById([link(OWN, true), link(LINKED, false)]);
    expect(isLinked(rates, LINKED)).toBe(true);
    expect(isLinked(rates, OWN)).toBe(false);
    expect(isLinked(rates, OTHER)).toBe(false);
    expect(ratesById(undefined).size).toBe(0);
  });
});

describe('which search results can be linked', () => {
  const carried = new Set([OWN, LINKED]);
  it('links a submitted rate the package does not carry yet', () => {
    expect(linkChoice({ id: OTHER, status: 'SUBMITTED' }, carried, 20)).toEqual({ kind: 'LINK' });
    expect(linkChoice({ id: OTHER, status: 'UNLOCKED' }, carried, 20)).toEqual({ kind: 'LINK' });
  });
  it('not one already carried (its own child included), not a withdrawn one, not past the limit', () => {
    expect(linkChoice({ id: OWN, status: 'SUBMITTED' }, carried, 20).kind).toBe('ALREADY_HERE');
    expect(linkChoice({ id: OTHER, status: 'WITHDRAWN' }, carried, 20).kind).toBe('WITHDRAWN');
    expect(linkChoice({ id: OTHER, status: 'SUBMITTED' }, carried, 2).kind).toBe('FULL');
  });
});

describe("CMS's decisions on a rate", () => {
  it.each([
    ['SUBMITTED', ['WITHDRAW']],
    ['RESUBMITTED', ['WITHDRAW']],
    ['WITHDRAWN', ['UNDO_WITHDRAWAL']],
    // Its parent is unlocked: the withdrawal would be refused, so it is not offered.
    ['UNLOCKED', []],
    ['DRAFT', []],
  ] as const)('a %s rate: %o', (status, expected) => {
    expect(rateDecisions({ status }, { role: 'CMS_USER' })).toEqual(expected);
    expect(rateDecisions({ status }, { role: 'ADMIN_USER' })).toEqual(expected);
    expect(rateDecisions({ status }, { role: 'STATE_USER' })).toEqual([]);
  });
});

describe('the link search', () => {
  it("asks for the state's own rates, by what was typed (trimmed), or the newest when nothing is", () => {
    expect(rateSearchQuery('MN', '  MN-RATE-0003 ')).toEqual({
      stateCode: 'MN',
      limit: 10,
      q: 'MN-RATE-0003',
    });
    expect(rateSearchQuery('MN', '   ')).toEqual({ stateCode: 'MN', limit: 10 });
  });
});

describe('a draft save and its linked rates', () => {
  const rate = (id: string, rateDateCertified: string): RateCertification => ({
    id,
    rateProgramIds: [],
    certifyingActuaries: [{ name: 'Ada', title: 'FSA', email: 'ada@example.com' }],
    rateDateCertified,
  });
  const form = (...rateCertifications: RateCertification[]) =>
    ({ rateCertifications }) as unknown as FormData;
  const live = (rates: RateLinkView[], ...rateCertifications: RateCertification[]) =>
    ({ revisions: [{ formData: form(...rateCertifications), rates }] }) as unknown as PackageView;

  it('sends each linked entry as the server shows it now, and the own rates as edited, in place', () => {
    const edited = form(rate(OWN, '2026-10-01'), rate(LINKED, '2026-01-01'));
    const server = live(
      [link(OWN, true), link(LINKED, false)],
      rate(OWN, '2026-09-09'),
      rate(LINKED, '2026-05-05'),
    );
    expect(withLinkedRatesAsShown(edited, server).rateCertifications.map((r) => r.rateDateCertified)).toEqual(
      ['2026-10-01', '2026-05-05'],
    );
  });

  it('leaves the form alone with no package, no linked rate, or a linked rate the server no longer shows', () => {
    const edited = form(rate(OWN, '2026-10-01'), rate(LINKED, '2026-01-01'));
    expect(withLinkedRatesAsShown(edited, undefined)).toBe(edited);
    expect(withLinkedRatesAsShown(edited, live([link(OWN, true)], rate(OWN, '2026-09-09')))).toBe(edited);
    expect(withLinkedRatesAsShown(edited, live([link(LINKED, false)])).rateCertifications).toEqual(
      edited.rateCertifications,
    );
  });
});

describe("the dashboards' filters in the address", () => {
  it('reads only the filters a list knows, and clears the program when the state changes', () => {
    const params = new URLSearchParams('stateCode=MN&programId=p1&status=WITHDRAWN&tab=x&order=');
    expect(filtersOf(params, ['stateCode', 'programId', 'status', 'order'] as const)).toEqual({
      stateCode: 'MN',
      programId: 'p1',
      status: 'WITHDRAWN',
    });
    expect(withFilter(params, 'stateCode', 'FL').toString()).toBe(
      'stateCode=FL&status=WITHDRAWN&tab=x&order=',
    );
    expect(withFilter(params, 'status', '').has('status')).toBe(false);
    expect(withFilter(params, 'programId', 'p2').get('programId')).toBe('p2');
  });

  it('exports with the same filters, all of them and nothing else', () => {
    expect(packagesCsvHref({})).toBe('/api/packages.csv');
    expect(
      packagesCsvHref({ stateCode: 'MN', updatedFrom: '2026-01-01', updatedTo: '2026-01-31', status: '' }),
    ).toBe('/api/packages.csv?stateCode=MN&updatedFrom=2026-01-01&updatedTo=2026-01-31');
    expect(packagesCsvHref({ programId: 'a&b=c' })).toBe('/api/packages.csv?programId=a%26b%3Dc');
  });
});
