/**
 * Salesforce id arithmetic: the 18-character checksum and case repair.
 */
import { canonicalId, idChecksum, makeId } from '../../../src/simulators/salesforce/ids.js';

describe('Salesforce ids', () => {
  it('computes the documented checksum suffix', () => {
    expect(idChecksum('001000000000001')).toBe('AAA');
    // Upper-case letters set bits per 5-character chunk: "Hq7aB" has H(0) and B(4) → 1 + 16 = 17 → "R".
    expect(idChecksum('00D5g00000Hq7aB')).toBe('EAR');
  });

  it('extends 15-character ids and repairs the case of 18-character ones', () => {
    const id = makeId('006', '5g', 123456);
    expect(id).toHaveLength(18);
    expect(canonicalId(id.slice(0, 15))).toBe(id);
    expect(canonicalId(id.toLowerCase())).toBe(id);
    expect(canonicalId('not-an-id')).toBeUndefined();
    expect(canonicalId('00100000000000')).toBeUndefined();
  });
});
