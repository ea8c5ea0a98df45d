/**
 * The page-level candidate search behind identity matching: the lookups of every record of a page
 * go out together per rule, a record decided by one rule asks no further, and rejections and
 * failures are honoured.
 */
import { matchUnlinked } from '../../src/engine/candidates.js';
import type { TargetLookup, TargetPort, TargetRecord } from '../../src/engine/ports.js';
import type { MatcherSpec } from '../../src/spec/types.js';

const RULES: MatcherSpec[] = [
  { type: 'link' },
  { type: 'externalId', field: 'id', property: 'ext_id' },
  { type: 'domain', field: 'website', property: 'domain' },
  { type: 'fuzzyName', field: 'name', property: 'name', autoLink: 0.93, review: 0.8 },
];

function crm(records: TargetRecord[], fail?: string): { target: TargetPort; calls: TargetLookup[] } {
  const calls: TargetLookup[] = [];
  const target: TargetPort = {
    connector: 'crm',
    object: 'companies',
    maxBatch: () => 100,
    write: async () => [],
    lookup: async (request) => {
      calls.push({ ...request, values: [...request.values] });
      if (fail) throw new Error(fail);
      // A loose search, as CRMs do: every record holding a value, or a word starting like one;
      // ten values per search.
      const out = [];
      for (let i = 0; i < request.values.length; i += 10) {
        const values = request.values.slice(i, i + 10);
        const found = records.filter((r) =>
          values.some((v) => {
            const held = String(r.fields[request.property] ?? '').toLowerCase();
            return held === v || held.split(' ').some((w) => w.startsWith(v.slice(0, 4)));
          }),
        );
        out.push({ values, records: found });
      }
      return out;
    },
  };
  return { target, calls };
}

const company = (id: string, name: string, domain?: string): TargetRecord => ({ id, fields: { name, ...(domain ? { domain } : {}) } });

describe('matching a page against the CRM', () => {
  it('sends one search per rule for the whole page, and only undecided records go on to the next rule', async () => {
    const existing = [company('c-1', 'Alpha Corp', 'alpha.com'), company('c-2', 'Beta Labs', 'beta.io')];
    const { target, calls } = crm(existing);
    const records: Array<{ key: string; fields: Record<string, unknown> }> = Array.from({ length: 40 }, (_, i) => ({ key: `l-${i}`, fields: { id: `l-${i}`, name: `Zeta${i} Works`, website: `https://zeta${i}.com` } }));
    records.push({ key: 'l-alpha', fields: { id: 'l-alpha', name: 'Alpha Corporation', website: 'https://www.alpha.com/about' } });
    records.push({ key: 'l-beta', fields: { id: 'l-beta', name: 'Beta Labs GmbH' } });
    const out = await matchUnlinked(target, RULES, records, new Map(), new AbortController().signal);

    expect(calls.map((c) => [c.operation, c.property, c.values.length])).toEqual([
      ['find', 'ext_id', 42],
      // Every website of the page in one search, each domain also as its www. host.
      ['find', 'domain', 82],
      // l-beta has no website: it asks by name while the others ask by domain.
      ['findByToken', 'name', 1],
      // l-alpha was decided by its domain; the 40 others, found by none, ask by name together.
      ['findByToken', 'name', 40],
    ]);
    expect(calls[2]?.values).toEqual(['beta']);
    expect(calls[3]?.values).toContain('zeta17');
    expect(out.get('l-alpha')?.outcome).toMatchObject({ decision: 'link', remoteId: 'c-1', strategy: 'domain' });
    expect(out.get('l-beta')?.outcome).toMatchObject({ decision: 'link', remoteId: 'c-2', strategy: 'fuzzyName', score: 1 });
    expect(out.get('l-beta')?.found.get('c-2')).toEqual(existing[1]);
    expect(out.get('l-7')?.outcome.decision).toBe('new');
  });

  it('scores a record only against what its own search found, not against every search of the page', async () => {
    const { target, calls } = crm([company('c-z', 'Zeta1 Holdings')]);
    const records = Array.from({ length: 10 }, (_, i) => ({ key: `l-${i}`, fields: { id: `l-${i}`, name: `Zeta${i} Works` } }));
    records.push({ key: 'l-omega', fields: { id: 'l-omega', name: 'Omega Works' } });
    const out = await matchUnlinked(target, RULES, records, new Map(), new AbortController().signal);
    // The fake CRM answers ten values per search: the zeta names share one, Omega has its own.
    expect(calls.at(-1)?.values).toHaveLength(11);
    expect(out.get('l-3')?.outcome.candidates.map((c) => c.remoteId)).toEqual(['c-z']);
    expect(out.get('l-omega')?.outcome.candidates).toEqual([]);
  });

  it('never proposes a pair an operator rejected', async () => {
    const { target } = crm([company('c-1', 'Alpha Corp', 'alpha.com')]);
    const records = [{ key: 'l-1', fields: { id: 'l-1', name: 'Alpha Corp', website: 'alpha.com' } }];
    const out = await matchUnlinked(target, RULES, records, new Map([['l-1', new Set(['c-1'])]]), new AbortController().signal);
    expect(out.get('l-1')?.outcome).toMatchObject({ decision: 'new' });
    expect(out.get('l-1')?.outcome.candidates).toEqual([expect.objectContaining({ remoteId: 'c-1', rejected: true })]);
  });

  it('fails the whole page when a search fails, rather than calling records new unseen', async () => {
    const { target } = crm([], 'HTTP 503 from the CRM');
    const records = [{ key: 'l-1', fields: { id: 'l-1', name: 'Alpha', website: 'alpha.com' } }];
    await expect(matchUnlinked(target, RULES, records, new Map(), new AbortController().signal)).rejects.toThrow('HTTP 503 from the CRM');
  });
});
