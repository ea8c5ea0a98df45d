import {
  approveCandidate,
  deleteFieldBases,
  findLinkByLocal,
  findLinkByRemote,
  findLinksByLocalKeys,
  findLinksByRemoteIds,
  getFieldBases,
  getFieldBasesForLinks,
  getLink,
  isRejected,
  listCandidates,
  proposeMatch,
  rejectCandidate,
  rejectedPairs,
  saveFieldBases,
  upsertLink,
} from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

const company = (key: string) => ({ object: 'company', key });
const hsCompany = (id: string) => ({ connector: 'hubspot', object: 'company', id });
const hsCompanyType = { connector: 'hubspot', object: 'company' };

describe.each(backends)('identity on %s', (backend) => {
  const h = useStore(backend);

  describe('links', () => {
    it('are found both ways and one by one or in bulk', async () => {
      const t = h.tenant();
      const link = await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), pipeline: 'companies', strategy: 'domain', score: 1 });
      await upsertLink(t, { local: company('c2'), remote: hsCompany('902'), strategy: 'external_id' });
      expect(link).toMatchObject({ local: company('c1'), remote: hsCompany('901'), status: 'linked', strategy: 'domain', pipeline: 'companies' });
      expect((await findLinkByLocal(t, company('c1'), hsCompanyType))?.id).toBe(link.id);
      expect((await findLinkByRemote(t, hsCompany('901'), 'company'))?.id).toBe(link.id);
      expect(await findLinkByLocal(t, company('c1'), { connector: 'pipedrive', object: 'organization' })).toBeUndefined();
      const byLocal = await findLinksByLocalKeys(t, 'company', ['c1', 'c2', 'c3'], hsCompanyType);
      expect([...byLocal.keys()].sort()).toEqual(['c1', 'c2']);
      const byRemote = await findLinksByRemoteIds(t, hsCompanyType, ['902', '903'], 'company');
      expect(byRemote.get('902')?.local.key).toBe('c2');
    });

    it('are unique per local key and per remote id', async () => {
      const t = h.tenant();
      await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'domain', score: 0.9 });
      const again = await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'external_id', score: 1 });
      expect(again).toMatchObject({ strategy: 'external_id', score: 1 });
      await expect(upsertLink(t, { local: company('c1'), remote: hsCompany('999'), strategy: 'x' })).rejects.toThrow(/already linked elsewhere/);
      await expect(upsertLink(t, { local: company('c9'), remote: hsCompany('901'), strategy: 'x' })).rejects.toThrow(/already linked elsewhere/);
    });
  });

  describe('field bases', () => {
    it('keep the last agreed value per link and field', async () => {
      const t = h.tenant();
      const link = await upsertLink(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'domain' });
      await saveFieldBases(t, [
        { linkId: link.id, field: 'deal.stage', value: 'negotiation', remoteUpdatedAt: 5 },
        { linkId: link.id, field: 'quote.total', value: { amount: 1200.5, currency: 'EUR' } },
        { linkId: link.id, field: 'deal.stage', value: 'closedwon', remoteUpdatedAt: 6 },
      ]);
      const bases = await getFieldBases(t, link.id);
      expect(bases.get('deal.stage')).toEqual({ field: 'deal.stage', value: 'closedwon', localUpdatedAt: null, remoteUpdatedAt: 6, agreedAt: h.clock.now });
      expect(bases.get('quote.total')?.value).toEqual({ amount: 1200.5, currency: 'EUR' });
      h.clock.advance(5);
      await saveFieldBases(t, [{ linkId: link.id, field: 'deal.stage', value: null, localUpdatedAt: 9 }]);
      expect((await getFieldBases(t, link.id)).get('deal.stage')).toMatchObject({ value: null, localUpdatedAt: 9, remoteUpdatedAt: null, agreedAt: h.clock.now });
      expect([...(await getFieldBasesForLinks(t, [link.id, 12345])).keys()]).toEqual([link.id]);
      expect(await deleteFieldBases(t, link.id)).toBe(2);
    });

    it('keep a JSON string value a string', async () => {
      const t = h.tenant();
      await saveFieldBases(t, [{ linkId: 1, field: 'f', value: '123' }]);
      expect((await getFieldBases(t, 1)).get('f')?.value).toBe('123');
    });
  });

  describe('review queue', () => {
    it('lists every match, auto-linked ones included', async () => {
      const t = h.tenant();
      const auto = await proposeMatch(t, { pipeline: 'companies', local: company('c1'), remote: hsCompany('901'), strategy: 'domain', score: 0.97, autoLink: true, details: { domain: 'acme.com' } });
      const waiting = await proposeMatch(t, { pipeline: 'companies', local: company('c2'), remote: hsCompany('902'), strategy: 'fuzzy_name', score: 0.8, autoLink: false });
      expect(auto).toMatchObject({ status: 'auto_linked', details: { domain: 'acme.com' } });
      expect(auto.linkId).toBe((await findLinkByLocal(t, company('c1'), hsCompanyType))?.id);
      expect(waiting).toMatchObject({ status: 'pending', linkId: null });
      expect(await findLinkByLocal(t, company('c2'), hsCompanyType)).toBeUndefined();
      expect((await listCandidates(t)).map((c) => [c.local.key, c.status])).toEqual([
        ['c1', 'auto_linked'],
        ['c2', 'pending'],
      ]);
      expect((await listCandidates(t, { status: 'pending' })).map((c) => c.id)).toEqual([waiting.id]);
    });

    it('approves a match into a link', async () => {
      const t = h.tenant();
      const c = await proposeMatch(t, { local: company('c2'), remote: hsCompany('902'), strategy: 'fuzzy_name', score: 0.8, autoLink: false });
      const link = await approveCandidate(t, c.id, 'operator:ana');
      expect(link).toMatchObject({ status: 'linked', strategy: 'fuzzy_name', score: 0.8 });
      expect((await listCandidates(t))[0]).toMatchObject({ status: 'approved', decidedBy: 'operator:ana', linkId: link.id });
    });

    it('remembers a rejection forever: the pair is never auto-linked again', async () => {
      const t = h.tenant();
      const c = await proposeMatch(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'fuzzy_name', score: 0.95, autoLink: true });
      await rejectCandidate(t, c.id, 'operator:bo');
      expect(await isRejected(t, company('c1'), hsCompany('901'))).toBe(true);
      expect(await isRejected(t, company('c1'), hsCompany('902'))).toBe(false);
      expect((await getLink(t, c.linkId!))?.status).toBe('rejected');
      expect(await findLinkByLocal(t, company('c1'), hsCompanyType)).toBeUndefined();

      const again = await proposeMatch(t, { local: company('c1'), remote: hsCompany('901'), strategy: 'domain', score: 1, autoLink: true });
      expect(again).toMatchObject({ id: c.id, status: 'rejected' });
      expect(await findLinkByLocal(t, company('c1'), hsCompanyType)).toBeUndefined();
      await expect(approveCandidate(t, c.id, 'operator:ana')).rejects.toThrow(/rejections are final/);

      // The record can still be linked to something else.
      const other = await proposeMatch(t, { local: company('c1'), remote: hsCompany('777'), strategy: 'domain', score: 1, autoLink: true });
      expect(other.status).toBe('auto_linked');
      const rejected = await rejectedPairs(t, 'company', ['c1', 'c2'], hsCompanyType);
      expect([...rejected.entries()].map(([k, ids]) => [k, [...ids]])).toEqual([['c1', ['901']]]);
    });
  });
});
