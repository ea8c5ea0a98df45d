import { decideField } from '../../src/merge/threeWayMerge.js';
import { OWNERSHIP_POLICIES } from '../../src/merge/types.js';
import { expectedDecision, policyCases } from './policyCases.js';

describe('decideField: the policy table', () => {
  it.each(policyCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const input = { ...(c.base ? { base: c.base } : {}), local: c.local, crm: c.crm };
    expect(decideField(c.rule, input)).toStrictEqual(expectedDecision(c));
  });

  it('covers every policy under each standard change and the never-synced cases', () => {
    for (const policy of OWNERSHIP_POLICIES) {
      const rows = policyCases.filter((c) => c.rule.owner === policy);
      const changes = new Set(rows.filter((c) => c.base).map((c) => c.expected.change));
      expect([...changes].sort()).toEqual(['both_different', 'both_same', 'crm', 'local', 'none']);
      expect(rows.filter((c) => !c.base).length).toBeGreaterThanOrEqual(5);
    }
  });

  it('never writes on a conflict and never marks a conflict retryable', () => {
    for (const c of policyCases) {
      const d = decideField(c.rule, { ...(c.base ? { base: c.base } : {}), local: c.local, crm: c.crm });
      if (d.conflict) {
        expect(d.writeCrm).toBeUndefined();
        expect(d.applyLocal).toBeUndefined();
        expect(d.newBase).toStrictEqual(c.base);
        expect(d.conflict.retryable).toBe(false);
      }
    }
  });
});
