/**
 * How the webhook and change-event source reads the records its events name: a page's records in
 * `batchRead` calls of `maxBatch` ids where that costs no more than a `get` each, by `get`
 * otherwise or when the pipeline's `fetch` names one; a record deleted since its event is left
 * out and named as gone, while its event is still done; a failed read leaves the page's events to be read again.
 */
import { createConnectorClient } from '../../src/connectors/index.js';
import { webhookSource } from '../../src/engine/endpoints/webhookSource.js';
import { readOperations } from '../../src/engine/endpoints/recordReads.js';
import type { SourcePage } from '../../src/engine/ports.js';
import { openStore, type Store } from '../../src/state/store.js';
import { acceptEvents, getEvent } from '../../src/state/webhookInbox.js';
import type { ObjectSpec } from '../../src/spec/types.js';
import { connectorDoc, dealsObject } from '../connectors/support/doc.js';
import { json, useTestServer } from '../connectors/support/server.js';

const t = useTestServer();

/** Like Pipedrive: a list call by ids costs 10 tokens, a get 1. */
const ops: ObjectSpec['operations'] = {
  get: { kind: 'get', method: 'GET', path: '/deals/{id}', cost: 1 },
  batchRead: { kind: 'batchRead', method: 'GET', path: '/deals', cost: 10, maxBatch: 100, params: '{"ids": $join(records.id, ",")}', records: 'results' },
};
const deleted = new Set(['deal-7']);

function answer(req: { url: string; query: URLSearchParams }, res: Parameters<typeof json>[0]): void {
  const record = (id: string) => ({ id, properties: { name: `Deal ${id}` } });
  if (req.url.startsWith('/api/deals?')) {
    const ids = (req.query.get('ids') ?? '').split(',').filter((id) => !deleted.has(id));
    return json(res, 200, { results: ids.map(record) });
  }
  const id = decodeURIComponent(req.url.split('/').pop() as string);
  if (deleted.has(id)) return json(res, 404, { error: 'not found' });
  return json(res, 200, record(id));
}

describe('webhook source reads', () => {
  let store: Store;
  const spec = dealsObject(ops);

  beforeEach(async () => {
    store = openStore({ url: ':memory:', env: {} });
    await store.migrate();
    t.handler = answer;
  });
  afterEach(async () => {
    await store.close();
  });

  const source = (fetch?: string) =>
    webhookSource({
      scope: store.forTenant(),
      client: createConnectorClient(connectorDoc({ baseUrl: `${t.server.url}/api`, objects: { deals: spec } }), { connection: { id: 'c' }, tenant: 'default' }),
      connection: 'testcrm',
      object: 'deals',
      spec,
      reads: readOperations(spec, fetch) as NonNullable<ReturnType<typeof readOperations>>,
      events: ['deal.change'],
      worker: 'w1',
      pageSize: 500,
    });
  /** Events about deal-0 … deal-(n-1), each record named twice. */
  const deliver = async (n: number) => {
    const events = Array.from({ length: 2 * n }, (_, i) => ({ connection: 'testcrm', eventId: `e${i}`, eventType: 'deal.change', payload: { objectId: `deal-${i % n}` } }));
    return (await acceptEvents(store.forTenant(), events)).map((r) => r.id as number);
  };
  /** Reads and commits every page, as the runner does. */
  const drain = async (fetch?: string): Promise<SourcePage[]> => {
    const pages: SourcePage[] = [];
    for await (const page of source(fetch).pages(null, new AbortController().signal)) {
      await store.transaction(async (tx) => page.commit?.(tx));
      pages.push(page);
    }
    return pages;
  };

  it('reads the records of 250 events about 125 deals in two batch calls, in the order the events name them', async () => {
    await deliver(125);
    const pages = await drain();
    const records = pages.flatMap((p) => p.records);
    expect(records.map((r) => r.key)).toEqual(Array.from({ length: 125 }, (_, i) => `deal-${i}`).filter((id) => !deleted.has(id)));
    expect(records[0]).toMatchObject({ key: 'deal-0', remoteId: 'deal-0', fields: { name: 'Deal deal-0', id: 'deal-0' } });
    expect(t.server.requests.map((r) => r.path)).toEqual(['/api/deals', '/api/deals']);
    expect(t.server.requests.map((r) => (r.query.get('ids') ?? '').split(',').length)).toEqual([100, 25]);
  });

  it('reads three records with a get each, where one batch call would cost more', async () => {
    await deliver(3);
    const records = (await drain()).flatMap((p) => p.records);
    expect(records.map((r) => r.key)).toEqual(['deal-0', 'deal-1', 'deal-2']);
    expect(t.server.requests.map((r) => r.path).sort()).toEqual(['/api/deals/deal-0', '/api/deals/deal-1', '/api/deals/deal-2']);
  });

  it('reads by get alone when the pipeline fetches with its get', async () => {
    await deliver(20);
    await drain('get');
    expect(t.server.requests).toHaveLength(20);
    expect(t.server.requests.every((r) => r.path.startsWith('/api/deals/'))).toBe(true);
  });

  it('leaves out a record deleted since its event and names it as gone, and still marks the event done', async () => {
    const ids = await deliver(12);
    const pages = await drain();
    const records = pages.flatMap((p) => p.records);
    expect(records.map((r) => r.key)).not.toContain('deal-7');
    expect(records).toHaveLength(11);
    // The page names it, for the runner to report on the local row linked to it.
    expect(pages.flatMap((p) => p.gone ?? [])).toEqual(['deal-7']);
    for (const id of ids) expect((await getEvent(store.forTenant(), id))?.status).toBe('done');
  });

  it('fails the page when a read fails, leaving its events to be processed again', async () => {
    const ids = await deliver(50);
    t.handler = (_req, res) => json(res, 400, { error: 'bad request' });
    await expect(drain()).rejects.toThrow();
    // One call, not one per record: a failed read stops the rest.
    expect(t.server.requests).toHaveLength(1);
    for (const id of ids) expect((await getEvent(store.forTenant(), id))?.status).not.toBe('done');
  });
});
