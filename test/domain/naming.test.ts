import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatStateNumber,
  packageName,
  programNamePart,
  rateCertificationName,
} from '../../src/domain/index.js';

const p = (...names: string[]) => names.map((name) => ({ name }));

describe('packageName: examples from the domain', () => {
  test('one program: MN-PMAP-0001', () => {
    expect(packageName('MN', p('PMAP'), 1)).toBe('MN-PMAP-0001');
  });

  test('two programs are sorted: MN-MSHO-PMAP-0003, whatever the order picked', () => {
    expect(packageName('MN', p('PMAP', 'MSHO'), 3)).toBe('MN-MSHO-PMAP-0003');
    expect(packageName('MN', p('MSHO', 'PMAP'), 3)).toBe('MN-MSHO-PMAP-0003');
  });
});

describe('packageName: program part', () => {
  test('natural sort: P2 before P10, P10 before P11', () => {
    expect(packageName('MN', p('P10', 'P2', 'P11', 'P1'), 7)).toBe('MN-P1-P2-P10-P11-0007');
  });

  test('natural sort inside names: HIP-2 before HIP-10, letters after digits', () => {
    expect(packageName('IN', p('HIP 10', 'HIP 2', 'HIPA'), 1)).toBe('IN-HIP-2-HIP-10-HIPA-0001');
  });

  test('spaces (and runs of whitespace) become one "-"', () => {
    expect(packageName('WI', p('Family Care Partnership'), 12)).toBe('WI-FAMILY-CARE-PARTNERSHIP-0012');
    expect(packageName('WI', p('Family  \t Care'), 12)).toBe('WI-FAMILY-CARE-0012');
  });

  test('leading and trailing spaces do not produce stray dashes', () => {
    expect(packageName('MN', p('  PMAP  '), 1)).toBe('MN-PMAP-0001');
  });

  test('characters other than letters, digits, "+" and "-" are dropped', () => {
    expect(packageName('AZ', p('DCS/CHP'), 1)).toBe('AZ-DCSCHP-0001');
    expect(packageName('IN', p('HIP 2.0'), 1)).toBe('IN-HIP-20-0001');
    expect(packageName('OK', p("SoonerSelect Children's Specialty"), 1)).toBe(
      'OK-SOONERSELECT-CHILDRENS-SPECIALTY-0001',
    );
    expect(packageName('MN', p('Café_(é)!'), 1)).toBe('MN-CAF-0001');
  });

  test('"+" and "-" are kept', () => {
    expect(packageName('MN', p('MSC+'), 4)).toBe('MN-MSC+-0004');
    expect(packageName('TX', p('STAR+ PLUS'), 4)).toBe('TX-STAR+-PLUS-0004');
    expect(packageName('HI', p('D-SNP'), 4)).toBe('HI-D-SNP-0004');
  });

  test('names are uppercased', () => {
    expect(packageName('CO', p('Denver Health', 'chp+ oral'), 2)).toBe('CO-CHP+-ORAL-DENVER-HEALTH-0002');
  });

  test('a program repeated, or two names that read the same, appear once', () => {
    expect(packageName('MN', p('PMAP', 'PMAP'), 1)).toBe('MN-PMAP-0001');
    expect(packageName('MN', p('Dental Plus', 'DENTAL PLUS', 'dental-plus'), 1)).toBe('MN-DENTAL-PLUS-0001');
  });

  test('a name with nothing left after cleaning leaves no empty part', () => {
    expect(packageName('MN', p('***', 'PMAP'), 1)).toBe('MN-PMAP-0001');
    expect(packageName('MN', p('   '), 1)).toBe('MN-0001');
  });

  test('no programs: state and number only', () => {
    expect(packageName('MN', [], 1)).toBe('MN-0001');
  });

  test('programNamePart: the cleaning rule on its own', () => {
    expect(programNamePart('Dental Plus')).toBe('DENTAL-PLUS');
    expect(programNamePart(' EBCI/Tribal Option ')).toBe('EBCITRIBAL-OPTION');
    expect(programNamePart('ß')).toBe('');
  });
});

describe('packageName: rate-only programs', () => {
  test('a rate-only program never names the package', () => {
    const programs = [{ name: 'Acute' }, { name: 'MLTSS', isRateProgram: true }];
    expect(packageName('NJ', programs, 5)).toBe('NJ-ACUTE-0005');
  });

  test('a package of rate-only programs only is named by state and number', () => {
    expect(packageName('NM', [{ name: 'BH', isRateProgram: true }], 2)).toBe('NM-0002');
  });

  test('isRateProgram false or absent names the package as before', () => {
    expect(packageName('MN', [{ name: 'PMAP', isRateProgram: false }, { name: 'MSHO' }], 3)).toBe(
      'MN-MSHO-PMAP-0003',
    );
  });
});

describe('rateCertificationName', () => {
  const base = {
    rateType: 'NEW' as const,
    rateDateStart: '2027-01-01',
    rateDateEnd: '2027-12-31',
    rateDateCertified: '2026-10-01',
  };

  test('a new rate: MCR-{STATE}-{PROGRAMS}-{start}-{end}-CERTIFICATION-{certified}', () => {
    expect(rateCertificationName('MN', p('PMAP', 'MSHO'), base)).toBe(
      'MCR-MN-MSHO-PMAP-20270101-20271231-CERTIFICATION-20261001',
    );
  });

  test('an amendment is dated by its effective period', () => {
    const amendment = {
      ...base,
      rateType: 'AMENDMENT' as const,
      effectiveDateStart: '2027-04-01',
      effectiveDateEnd: '2027-12-31',
    };
    expect(rateCertificationName('MN', p('PMAP'), amendment)).toBe(
      'MCR-MN-PMAP-20270401-20271231-AMENDMENT-20261001',
    );
  });

  test('programs are joined as the package name joins them, rate-only programs kept', () => {
    const programs = [
      { name: 'Dental Plus' },
      { name: 'MLTSS', isRateProgram: true },
      { name: 'dental plus' },
    ];
    expect(rateCertificationName('NJ', programs, base)).toBe(
      'MCR-NJ-DENTAL-PLUS-MLTSS-20270101-20271231-CERTIFICATION-20261001',
    );
  });

  test('a date not yet given reads UNKNOWN, never a shifted name', () => {
    expect(rateCertificationName('MN', p('PMAP'), { rateType: 'NEW', rateDateStart: '2027-01-01' })).toBe(
      'MCR-MN-PMAP-20270101-UNKNOWN-CERTIFICATION-UNKNOWN',
    );
  });
});

describe('packageName: number part', () => {
  test.each([
    [1, '0001'],
    [9, '0009'],
    [42, '0042'],
    [999, '0999'],
    [1000, '1000'],
    [9999, '9999'],
    [10000, '10000'],
    [123456, '123456'],
  ])('%i is written %s', (n, written) => {
    expect(formatStateNumber(n)).toBe(written);
    expect(packageName('MN', p('PMAP'), n)).toBe(`MN-PMAP-${written}`);
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('%s is not a state number', (n) => {
    expect(() => formatStateNumber(n)).toThrow(RangeError);
    expect(() => packageName('MN', p('PMAP'), n)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- properties

/** Program short names as they come: letters, digits, spaces, punctuation, accents. */
const arbShortName = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefxyz0123456789  +-/.()&'é_".split('')),
  minLength: 1,
  maxLength: 16,
});
const arbPrograms = fc.array(
  arbShortName.map((name) => ({ name })),
  { maxLength: 8 },
);
const arbStateCode = fc.stringMatching(/^[A-Z]{2}$/);
const arbStateNumber = fc.oneof(
  fc.integer({ min: 1, max: 99_999 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

/** A permutation of `xs`. */
const arbPermutation = <T>(xs: readonly T[]) =>
  fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

describe('packageName: properties', () => {
  test('does not depend on the order in which programs were picked', () => {
    fc.assert(
      fc.property(
        arbStateCode,
        arbPrograms.chain((ps) => fc.tuple(fc.constant(ps), arbPermutation(ps))),
        arbStateNumber,
        (state, [programs, shuffled], n) => {
          expect(packageName(state, shuffled, n)).toBe(packageName(state, programs, n));
        },
      ),
    );
  });

  test('always has the shape STATE(-PART)*-NNNN', () => {
    fc.assert(
      fc.property(arbStateCode, arbPrograms, arbStateNumber, (state, programs, n) => {
        const name = packageName(state, programs, n);
        expect(name).toMatch(/^[A-Z]{2}(-[A-Z0-9+-]+)*-\d{4,}$/);
        expect(name.startsWith(`${state}-`)).toBe(true);
      }),
    );
  });

  test('the number part reads back as the state number, padded to at least 4 digits', () => {
    fc.assert(
      fc.property(arbStateCode, arbPrograms, arbStateNumber, (state, programs, n) => {
        const digits = /-(\d+)$/.exec(packageName(state, programs, n))?.[1];
        expect(digits).toBeDefined();
        expect(Number(digits)).toBe(n);
        expect(digits!.length).toBe(Math.max(4, String(n).length));
        // Only padding zeros, never a lost digit.
        expect(digits!.replace(/^0+/, '')).toBe(String(n));
      }),
    );
  });

  test('repeating programs changes nothing', () => {
    fc.assert(
      fc.property(
        arbStateCode,
        arbPrograms.chain((ps) =>
          fc.tuple(
            fc.constant(ps),
            fc.array(fc.constantFrom(...(ps.length > 0 ? ps : [{ name: 'PMAP' }])), { maxLength: 5 }),
          ),
        ),
        arbStateNumber,
        (state, [programs, repeats], n) => {
          const base = programs.length > 0 ? programs : [{ name: 'PMAP' }];
          expect(packageName(state, [...base, ...repeats], n)).toBe(packageName(state, base, n));
          expect(packageName(state, [...base, ...base], n)).toBe(packageName(state, base, n));
        },
      ),
    );
  });

  test('the program part is the distinct cleaned names, in natural order', () => {
    // Names of letters and digits only, so the parts can be split back apart on "-".
    const arbPlain = fc.stringMatching(/^[A-Za-z]{1,4}[0-9]{0,3}[A-Za-z]{0,2}$/);
    fc.assert(
      fc.property(
        fc.array(arbPlain, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 9999 }),
        (names, n) => {
          const name = packageName('MN', p(...names), n);
          const parts = name.split('-').slice(1, -1);
          expect(new Set(parts)).toEqual(new Set(names.map((x) => x.toUpperCase())));
          expect(parts.length).toBe(new Set(parts).size);
          for (let i = 1; i < parts.length; i++) {
            expect(
              naturalCompare(parts[i - 1]!, parts[i]!),
              `${parts[i - 1]} before ${parts[i]}`,
            ).toBeLessThan(0);
          }
        },
      ),
    );
  });
});

/**
 * An independent natural order for [A-Z0-9] strings: runs of digits compare as numbers, other runs
 * by code unit, ties (e.g. "P01" vs "P1") by code unit of the whole string.
 */
function naturalCompare(a: string, b: string): number {
  const runs = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const ra = runs(a);
  const rb = runs(b);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const d = Number(BigInt(x) - BigInt(y));
      if (d !== 0) return d;
    } else if (x !== y) {
      // Digits sort before letters. Letter runs compare by code unit: when one is a prefix of the
      // other, what follows the shorter (digits or the end) sorts before the longer's next letter.
      if (xd !== yd) return xd ? -1 : 1;
      return x < y ? -1 : 1;
    }
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
