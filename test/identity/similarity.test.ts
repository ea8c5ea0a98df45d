import {
  jaro,
  jaroWinkler,
  nameSimilarity,
  tokenSetSimilarity,
  TOKEN_MATCH_THRESHOLD,
} from '../../src/identity/similarity.js';

const names = [
  'Acme Inc.', 'ACME, Incorporated', 'Acme Holdings', 'Acme Widgets', 'Acme Gadgets', 'Globex',
  'Globe', 'Initech', 'Initrode', 'Bank of America', 'America Bank of', 'Coca-Cola', 'CocaCola',
  'Müller & Söhne GmbH', 'Mueller and Sohne', 'Stark Industries', 'Wayne Enterprises', 'Hooli',
  'Pied Piper', 'Dunder Mifflin', 'Dunder Mifflin Paper Company', 'Ørsted A/S', 'a', 'ab', '',
];

describe('jaro and jaroWinkler', () => {
  it('match the published reference values', () => {
    // Winkler (1990) / Wikipedia examples.
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.9611, 4);
    expect(jaro('DIXON', 'DICKSONX')).toBeCloseTo(0.7667, 4);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.8133, 4);
    expect(jaro('CRATE', 'TRACE')).toBeCloseTo(0.7333, 4);
  });
  it('are 1 for equal strings and 0 with nothing in common', () => {
    expect(jaroWinkler('acme', 'acme')).toBe(1);
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});

describe('tokenSetSimilarity', () => {
  it('ignores word order and counts near-identical words', () => {
    expect(tokenSetSimilarity(['bank', 'of', 'america'], ['america', 'bank', 'of'])).toBe(1);
    expect(tokenSetSimilarity(['acme', 'widgets'], ['acme', 'widgetz'])).toBeGreaterThan(0.95);
  });
  it('holds a strict subset well below 1', () => {
    expect(tokenSetSimilarity(['acme'], ['acme', 'bank'])).toBeCloseTo(2 / 3, 10);
  });
  it('gives no credit to words below the token threshold', () => {
    expect(jaroWinkler('widgets', 'gadgets')).toBeLessThan(TOKEN_MATCH_THRESHOLD);
    expect(tokenSetSimilarity(['acme', 'widgets'], ['acme', 'gadgets'])).toBeCloseTo(0.5, 10);
  });
  it('pairs each word at most once', () => {
    expect(tokenSetSimilarity(['acme', 'acme'], ['acme'])).toBeCloseTo(2 / 3, 10);
  });
});

describe('nameSimilarity', () => {
  it('is symmetric and within [0, 1] for every pair', () => {
    for (const a of names) {
      for (const b of names) {
        const ab = nameSimilarity(a, b);
        expect(ab).toBe(nameSimilarity(b, a));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is 1.0 for a name and itself', () => {
    for (const a of names.filter((n) => n !== '')) expect(nameSimilarity(a, a)).toBe(1);
  });

  it('is deterministic across calls', () => {
    const first = names.map((a) => names.map((b) => nameSimilarity(a, b)));
    const again = names.map((a) => names.map((b) => nameSimilarity(a, b)));
    expect(again).toEqual(first);
  });

  it.each([
    ['Acme Inc.', 'ACME, Incorporated'],
    ['Umbrella Corp', 'Umbrella Corporation'],
    ['Müller & Söhne GmbH', 'MULLER AND SOHNE'],
    ['The Acme Company', 'Acme Co.'],
    ['Acme Pty Ltd', 'Acme'],
  ])('ignores legal suffixes, case and punctuation: %s ~ %s ≥ 0.95', (a, b) => {
    expect(nameSimilarity(a, b)).toBeGreaterThanOrEqual(0.95);
  });

  it('ignores word order and spacing', () => {
    expect(nameSimilarity('Bank of America', 'America, Bank of')).toBe(1);
    expect(nameSimilarity('Coca-Cola', 'CocaCola')).toBe(1);
  });

  it('forgives a typo', () => {
    expect(nameSimilarity('Acme Widgets', 'Acme Widgetz')).toBeGreaterThan(0.95);
    expect(nameSimilarity('Gringotts', 'Gringots')).toBeGreaterThan(0.95);
  });

  it('keeps a name that merely contains another in the middle band', () => {
    const s = nameSimilarity('Acme', 'Acme Bank');
    expect(s).toBeGreaterThan(0.6);
    expect(s).toBeLessThan(0.9);
  });

  it('rates different words sharing a first word below 0.8', () => {
    expect(nameSimilarity('Acme Widgets', 'Acme Gadgets')).toBeLessThan(0.8);
    expect(nameSimilarity('Vandelay Industries', 'Vandelay Imports')).toBeLessThan(0.8);
  });

  it.each([
    ['Acme', 'Globex'],
    ['Microsoft', 'Apple'],
    ['Hooli', 'Pied Piper'],
    ['Stark Industries', 'Wayne Enterprises'],
    ['Aperture Science', 'Black Mesa'],
    ['Oceanic Airlines', 'Oscorp'],
  ])('rates unrelated names below 0.6: %s vs %s', (a, b) => {
    expect(nameSimilarity(a, b)).toBeLessThan(0.6);
  });

  it('scores a blank or missing name 0', () => {
    expect(nameSimilarity('', 'Acme')).toBe(0);
    expect(nameSimilarity(undefined, 'Acme')).toBe(0);
    expect(nameSimilarity('Acme', null)).toBe(0);
  });

  it('strips legal suffixes only for companies', () => {
    expect(nameSimilarity('Anna Co', 'Anna', 'company')).toBe(1);
    expect(nameSimilarity('Anna Co', 'Anna', 'person')).toBeLessThan(1);
  });
});
