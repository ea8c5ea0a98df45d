import { isEmpty, valuesEqual } from '../../src/merge/valuesEqual.js';

type Row = readonly [a: unknown, b: unknown, equal: boolean];

const rows: Row[] = [
  // 1. empty values
  [null, undefined, true],
  [null, '', true],
  ['', '   ', true],
  [undefined, [], true],
  [null, 0, false],
  ['', false, false],
  [null, 'x', false],
  // 2. dates
  ['1572480000000', '2019-10-31', true],
  [1572480000000, '2019-10-31', true],
  ['1572480000000', '2019-11-01', false],
  ['1572523200000', '2019-10-31', true],
  ['2019-10-31T12:00:00Z', '2019-10-31', true],
  ['2019-10-31T12:00:00.000Z', '1572523200000', true],
  ['2019-10-31T12:00:00.000+0000', '2019-10-31T12:00:00Z', true],
  ['2019-10-31T13:00:00+01:00', '2019-10-31T12:00:00Z', true],
  ['2019-10-31T12:00:00', '2019-10-31T12:00:00Z', true],
  ['2019-10-31 12:00:00', '1572523200000', true],
  ['2019-10-31T12:00:00.001Z', '2019-10-31T12:00:00Z', false],
  [new Date('2019-10-31T12:00:00Z'), '1572523200000', true],
  [new Date('2019-10-31T12:00:00Z'), new Date('2019-10-31T12:00:00Z'), true],
  [new Date('2019-10-31T12:00:00Z'), '2019-10-31', true],
  ['2019-02-30', '1551312000000', false],
  ['2019-10-31', 'next thursday', false],
  // 3. numbers
  [17, '17', true],
  ['17.0', 17, true],
  [' 17 ', 17, true],
  [1700, '1.7e3', true],
  [19.99, '19.99', true],
  [17, '17.5', false],
  [17, 'seventeen', false],
  ['0123', '123', false],
  [0, '0', true],
  [0, '', false],
  // 4. booleans
  [true, 'true', true],
  [false, 'FALSE', true],
  [false, 'true', false],
  ['true', 'True', false],
  [true, 1, false],
  // 5. lists
  [['a', 'b'], ['a', 'b'], true],
  [[1, '2'], ['1', 2], true],
  [['a', 'b'], ['b', 'a'], false],
  [['a'], 'a', false],
  // 6. objects
  [{ a: 1, b: null }, { a: '1' }, true],
  [{ a: { b: 'x' } }, { a: { b: 'y' } }, false],
  // 7. strings and the rest
  ['Acme', ' Acme ', true],
  ['Acme', 'acme', false],
  [NaN, NaN, true],
];

describe('valuesEqual', () => {
  it.each(rows)('%j vs %j → %j', (a, b, equal) => {
    expect(valuesEqual(a, b)).toBe(equal);
    expect(valuesEqual(b, a)).toBe(equal);
  });

  it('compares a bigint with a numeric string', () => {
    expect(valuesEqual(10n, '10')).toBe(true);
    expect(valuesEqual('11', 10n)).toBe(false);
  });

  it('reads a date-time without a zone as UTC wherever syncd runs', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(valuesEqual('2019-10-31T12:00:00', '1572523200000')).toBe(true);
    } finally {
      process.env.TZ = before;
    }
  });
});

describe('isEmpty', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    [' \t', true],
    [[], true],
    [0, false],
    [false, false],
    ['0', false],
    [{}, false],
  ] as const)('%j → %j', (value, empty) => {
    expect(isEmpty(value)).toBe(empty);
  });
});
