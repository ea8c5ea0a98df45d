import { Client } from '@hubspot/api-client';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { call, start, TOKEN } from './helpers.js';

describe('HubSpot simulator with the official @hubspot/api-client', () => {
  let sim: RunningSimulator;
  let client: Client;

  beforeAll(async () => {
    sim = await start({ limits: { tenSecond: 10_000 } });
    client = new Client({ accessToken: TOKEN, basePath: sim.url });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim, 'POST', '/__admin/reset'));

  it('creates, reads, updates and archives a deal through basicApi', async () => {
    const created = await client.crm.deals.basicApi.create({ properties: { dealname: 'SDK deal', amount: '250', dealstage: 'qualifiedtobuy', pipeline: 'default' }, associations: [] });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties.dealname).toBe('SDK deal');
    expect(created.properties.hs_object_id).toBe(created.id);
    expect(created.createdAt).toBeInstanceOf(Date);

    const read = await client.crm.deals.basicApi.getById(created.id, ['dealname', 'amount']);
    expect(read.properties.amount).toBe('250');

    const updated = await client.crm.deals.basicApi.update(created.id, { properties: { amount: '300' } });
    expect(updated.properties.amount).toBe('300');
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());

    await client.crm.deals.basicApi.archive(created.id);
    await expect(client.crm.deals.basicApi.getById(created.id)).rejects.toMatchObject({ code: 404 });
  });

  it('creates and updates companies, with the SDK surfacing HubSpot validation errors', async () => {
    const c = await client.crm.companies.basicApi.create({ properties: { name: 'Initech', domain: 'initech.example' }, associations: [] });
    const got = await client.crm.companies.basicApi.getById(c.id);
    expect(got.properties).toMatchObject({ name: 'Initech', domain: 'initech.example', hs_object_id: c.id });
    const err = await client.crm.companies.basicApi.update(c.id, { properties: { no_such_prop: 'x' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR' } });
  });

  it('creates a task associated with a company, and refuses a status HubSpot does not have', async () => {
    const task = await client.crm.objects.tasks.basicApi.create({
      properties: { hs_task_subject: 'Call about Series B', hs_task_body: 'Funding announced', hs_timestamp: '2026-05-01T08:00:00.000Z', hs_task_status: 'NOT_STARTED' },
      associations: [{ to: { id: '1001' }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 192 }] }],
    });
    const read = await client.crm.objects.tasks.basicApi.getById(task.id, ['hs_task_subject', 'hs_task_status'], undefined, ['companies']);
    expect(read.properties).toMatchObject({ hs_task_subject: 'Call about Series B', hs_task_status: 'NOT_STARTED' });
    expect(read.associations?.companies?.results.map((a) => a.id)).toEqual(['1001']);
    const err = await client.crm.objects.tasks.basicApi.update(task.id, { properties: { hs_task_status: 'MAYBE' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR' } });
  });

  it('batch creates, reads and upserts deals', async () => {
    const created = await client.crm.deals.batchApi.create({
      inputs: [1, 2, 3].map((n) => ({ properties: { dealname: `Batch ${n}`, amount: String(n * 10) }, associations: [] })),
    });
    expect(created.status).toBe('COMPLETE');
    expect(created.results).toHaveLength(3);
    const ids = created.results.map((r) => r.id);

    const read = await client.crm.deals.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: ['dealname', 'amount'], propertiesWithHistory: [] });
    expect(read.results.map((r) => r.properties.dealname).sort()).toEqual(['Batch 1', 'Batch 2', 'Batch 3']);

    await client.crm.properties.coreApi.create('deals', { name: 'external_ref', label: 'External ref', type: 'string' as never, fieldType: 'text' as never, groupName: 'dealinformation', hasUniqueValue: true });
    const up1 = await client.crm.deals.batchApi.upsert({ inputs: [{ id: 'ext-1', idProperty: 'external_ref', properties: { dealname: 'Upserted' } }] });
    expect(up1.results[0]).toMatchObject({ _new: true });
    const up2 = await client.crm.deals.batchApi.upsert({ inputs: [{ id: 'ext-1', idProperty: 'external_ref', properties: { dealname: 'Upserted again' } }] });
    expect(up2.results[0]).toMatchObject({ _new: false, id: up1.results[0]?.id });
    expect(up2.results[0]?.properties.dealname).toBe('Upserted again');
  });

  it('pages a search with doSearch and lists everything with getAll', async () => {
    await client.crm.deals.batchApi.create({ inputs: Array.from({ length: 25 }, (_, n) => ({ properties: { dealname: `Paged ${n}`, amount: String(1000 + n) }, associations: [] })) });
    const seen: string[] = [];
    let after: string | undefined;
    let total = 0;
    do {
      const page = await client.crm.deals.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'BETWEEN' as never, value: '1000', highValue: '1024' }] }],
        sorts: [{ propertyName: 'amount', direction: 'ASCENDING' }] as never,
        properties: ['dealname', 'amount'],
        limit: 10,
        after: after as string,
      });
      total = page.total;
      seen.push(...page.results.map((r) => r.properties.amount as string));
      after = page.paging?.next?.after;
    } while (after);
    expect(total).toBe(25);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, n) => String(1000 + n)));

    const all = await client.crm.deals.getAll(7);
    // 3 fixture deals + 25 created here
    expect(all).toHaveLength(28);
    expect(new Set(all.map((d) => d.id)).size).toBe(28);
  });

  it('retries a ten-secondly 429 to success when numberOfApiCallRetries is set', async () => {
    const retrying = new Client({ accessToken: TOKEN, basePath: sim.url, numberOfApiCallRetries: 2 });
    sim.scriptFault({ kind: 'rate_limit', count: 1, pathContains: '/crm/v3/objects/companies/1001' });
    // The SDK waits 10 s × attempt after a TEN_SECONDLY_ROLLING 429; shorten only that wait.
    const realSetTimeout = globalThis.setTimeout;
    const waits: number[] = [];
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      if (ms === 10_000) waits.push(ms);
      return realSetTimeout(fn, ms === 10_000 ? 10 : ms);
    }) as typeof setTimeout);
    const errSpy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const company = await retrying.crm.companies.basicApi.getById('1001');
      expect(company.properties.name).toBe('Biglytics');
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    expect(waits).toEqual([10_000]);
    expect((await call(sim, 'GET', '/__admin/faults')).body.injected.rate_limit).toBe(1);
  });

  it('retries the search secondly limit to success', async () => {
    const limited = await start({ limits: { searchPerSecond: 1 } });
    try {
      const retrying = new Client({ accessToken: TOKEN, basePath: limited.url, numberOfApiCallRetries: 3 });
      const errSpy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const search = () => retrying.crm.companies.searchApi.doSearch({ filterGroups: [], sorts: [], properties: ['name'], limit: 10, after: '0' } as never);
      const started = Date.now();
      const [a, b] = await Promise.all([search(), search()]);
      errSpy.mockRestore();
      expect(a.total).toBe(3);
      expect(b.total).toBe(3);
      // One of the two hit the 1/s limit and waited the SDK's 1 s before succeeding.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await limited.close();
    }
  });
});
