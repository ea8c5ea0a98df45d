import { findLinkByLocal, upsertLink, upsertLinks } from '../../src/state/links.js';
import { backends, useStore } from './harness.js';

const company = (key: string) => ({ object: 'company', key });
const hsCompany = (id: string) => ({ connector: 'hubspot', object: 'company', id });

describe.each(backends)('upsertLinks on %s', (backend) => {
  const h = useStore(backend);

  it('creates new links and updates existing pairs in one call, in input order', async () => {
    const t = h.tenant();
    const before = await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'domain', score: 0.9 });
    const links = await upsertLinks(t, [
      { local: company('c2'), remote: hsCompany('902'), pipeline: 'p', strategy: 'external_id' },
      { local: company('c1'), remote: hsCompany('901'), strategy: 'external_id', score: 1 },
      { local: company('c3'), remote: hsCompany('903'), strategy: 'created' },
    ]);
    expect(links.map((l) => [l.local.key, l.remote.id, l.strategy])).toEqual([
      ['c2', '902', 'external_id'],
      ['c1', '901', 'external_id'],
      ['c3', '903', 'created'],
    ]);
    expect(links[1]?.id).toBe(before.id);
    expect(new Set(links.map((l) => l.id)).size).toBe(3);
    const stored = await findLinkByLocal(t, company('c1'), { connector: 'hubspot', object: 'company' });
    expect(stored).toMatchObject({ id: before.id, strategy: 'external_id', score: 1 });
    const created = await findLinkByLocal(t, company('c3'), { connector: 'hubspot', object: 'company' });
    expect(created?.id).toBe(links[2]?.id);
  });

  it('creates a pair repeated in the batch once', async () => {
    const t = h.tenant();
    const links = await upsertLinks(t, [
      { local: company('c1'), remote: hsCompany('901'), strategy: 'created' },
      { local: company('c1'), remote: hsCompany('901'), strategy: 'external_id' },
    ]);
    expect(links[0]?.id).toBe(links[1]?.id);
    expect((await findLinkByLocal(t, company('c1'), { connector: 'hubspot', object: 'company' }))?.strategy).toBe('external_id');
  });

  it('refuses, writing nothing, when a side is already linked elsewhere', async () => {
    const t = h.tenant();
    await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'domain' });
    await expect(
      upsertLinks(t, [
        { local: company('c2'), remote: hsCompany('902'), strategy: 'created' },
        { local: company('c1'), remote: hsCompany('999'), strategy: 'created' },
      ]),
    ).rejects.toThrow(/already linked elsewhere/);
    expect(await findLinkByLocal(t, company('c2'), { connector: 'hubspot', object: 'company' })).toBeUndefined();
  });

  it('with skipTaken, links the others and leaves out a pair whose side is taken, in the batch or before', async () => {
    const t = h.tenant();
    await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'domain' });
    for (const batch of [
      [{ local: company('c1'), remote: hsCompany('999'), strategy: 'created' }],
      [
        { local: company('c2'), remote: hsCompany('902'), strategy: 'created' },
        { local: company('c1'), remote: hsCompany('998'), strategy: 'created' },
        { local: company('c2'), remote: hsCompany('903'), strategy: 'created' },
      ],
    ]) {
      const links = await upsertLinks(t, batch, { skipTaken: true });
      expect(links.map((l) => l && [l.local.key, l.remote.id])).toEqual(batch.map((i) => (i.local.key === 'c2' && i.remote.id === '902' ? ['c2', '902'] : undefined)));
    }
    expect((await findLinkByLocal(t, company('c1'), { connector: 'hubspot', object: 'company' }))?.remote.id).toBe('901');
    expect((await findLinkByLocal(t, company('c2'), { connector: 'hubspot', object: 'company' }))?.remote.id).toBe('902');
  });
});
