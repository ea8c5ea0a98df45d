import { clearReferenceWaits, listReferenceWaits, resolvedReferenceWaits, saveReferenceWaits, summarizeReferenceWaits, upsertLink, type ReferenceWait } from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

const REMOTE = { connector: 'pipedrive', object: 'organizations' };

function waitFor(recordKey: string, companyKey: string, pipeline = 'signals'): ReferenceWait {
  return { pipeline, recordKey, field: 'signal.org', reference: 'companies', local: { object: 'queast.companies', key: companyKey }, remote: REMOTE };
}

describe.each(backends)('records waiting for a reference on %s', (backend) => {
  const h = useStore(backend);

  it('counts a record once however often it is saved waiting, and keeps when it began', async () => {
    const t = h.tenant();
    expect(await saveReferenceWaits(t, [waitFor('s-1', 'c-1'), waitFor('s-2', 'c-2')])).toBe(2);
    const began = h.clock.now;
    h.clock.advance(60_000);
    // Read again (a lookback), one of them now naming another company.
    expect(await saveReferenceWaits(t, [waitFor('s-1', 'c-1'), waitFor('s-2', 'c-3'), waitFor('s-3', 'c-1')])).toBe(1);
    const waits = await listReferenceWaits(t);
    expect(waits.map((w) => [w.recordKey, w.local.key, w.since])).toEqual([
      ['s-1', 'c-1', began],
      ['s-2', 'c-3', began],
      ['s-3', 'c-1', began + 60_000],
    ]);
    expect(await summarizeReferenceWaits(t)).toEqual([{ pipeline: 'signals', reference: 'companies', records: 3, oldestSince: began }]);
  });

  it('finds the waiting records whose referenced record is linked now, on its own link pair only', async () => {
    const t = h.tenant();
    await saveReferenceWaits(t, [waitFor('s-1', 'c-1'), waitFor('s-2', 'c-2'), waitFor('p-1', 'c-1', 'people')]);
    expect(await resolvedReferenceWaits(t, 'signals', 10)).toEqual([]);
    // The same company linked to another CRM object, and a link an operator rejected, do not count.
    await upsertLink(t, { local: { object: 'queast.companies', key: 'c-1' }, remote: { connector: 'hubspot', object: 'companies', id: '901' }, strategy: 'created' });
    const rejected = await upsertLink(t, { local: { object: 'queast.companies', key: 'c-2' }, remote: { ...REMOTE, id: '12' }, strategy: 'created' });
    await t.db('syncd_links').where({ id: rejected.id }).update({ status: 'rejected' });
    expect(await resolvedReferenceWaits(t, 'signals', 10)).toEqual([]);

    await upsertLink(t, { local: { object: 'queast.companies', key: 'c-1' }, remote: { ...REMOTE, id: '11' }, strategy: 'created' });
    expect(await resolvedReferenceWaits(t, 'signals', 10)).toEqual(['s-1']);
    expect(await resolvedReferenceWaits(t, 'people', 10)).toEqual(['p-1']);
    // Another tenant's waits and links are its own.
    expect(await resolvedReferenceWaits(h.tenant(), 'signals', 10)).toEqual([]);

    expect(await clearReferenceWaits(t, 'signals', ['s-1', 's-1', 'missing'])).toBe(1);
    expect((await listReferenceWaits(t)).map((w) => `${w.pipeline}:${w.recordKey}`)).toEqual(['people:p-1', 'signals:s-2']);
  });
});
