/**
 * One conformance suite for every connector + simulator pair: the same scenarios, driven by the
 * per-vendor tables in ./vendors. The connector files are loaded and validated exactly as the
 * daemon loads them, their secrets resolved from the fixture's environment, and every exchange
 * the connector makes is recorded (and, where the vendor publishes one, checked against its
 * OpenAPI document).
 */
import { randomBytes } from 'node:crypto';
import { createConnectorClient, isConnectorError, type ConnectorClient, type ConnectorError, type NormalisedRecord, type WriteResult } from '../../src/connectors/index.js';
import { loadProject } from '../../src/engine/project.js';
import { resolveDeep } from '../../src/spec/secrets.js';
import type { ConnectorDocument } from '../../src/spec/types.js';
import { recordingFetch, type RecordingFetch } from './recordingFetch.js';
import { specProblems } from './specCheck.js';
import { startWebhookServer, type WebhookServer } from './support/webhookServer.js';
import { composio } from './vendors/composio.js';
import { hubspot } from './vendors/hubspot.js';
import { pipedrive } from './vendors/pipedrive.js';
import { salesforce } from './vendors/salesforce.js';
import { isSkip, type Ctx, type Skip, type VendorCase, type VendorHarness, type WriteCase } from './vendors/types.js';

const VENDORS: VendorCase[] = [hubspot, pipedrive, salesforce, composio];

let connectors: Map<string, ConnectorDocument>;
beforeAll(async () => {
  ({ connectors } = await loadProject(['connectors', 'pipelines']));
});

async function collect(it: AsyncIterable<NormalisedRecord>): Promise<NormalisedRecord[]> {
  const out: NormalisedRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

function only(results: WriteResult[]): { id?: string; created?: boolean } {
  expect(results).toHaveLength(1);
  const [r] = results;
  if (!r?.ok) throw new Error(`write failed: ${r?.error.message}`);
  return r;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `it`, or `it.skip` with the reason in the name when the table says the scenario does not apply. */
function scenario<T>(name: string, data: T | Skip, body: (data: T) => Promise<void>, timeoutMs?: number): void {
  // Skipped, not passed: the vendor or its connector has no such capability (an API token that
  // never expires, no webhooks, no published OpenAPI), and the report should say so by name
  // rather than count a test that checks nothing as a pass. The reason comes from the vendor table.
  if (isSkip(data)) it.skip(`${name} — not applicable: ${data.skip}`, () => {});
  else it(name, () => body(data), timeoutMs);
}

describe.each(VENDORS.map((v) => [v.vendor, v] as const))('%s conformance', (_label, v) => {
  let h: VendorHarness;
  let rec: RecordingFetch;
  let client: ConnectorClient;
  let doc: ConnectorDocument;
  let c: Ctx;

  beforeAll(async () => {
    h = await v.start();
    const raw = connectors.get(v.connector);
    if (!raw) throw new Error(`connector ${v.connector} is not in connectors/`);
    doc = resolveDeep(raw, { env: h.env });
    rec = recordingFetch();
    // Backoff jitter is fixed low so retries are fast; a vendor's Retry-After still bounds the wait.
    client = createConnectorClient(doc, { connection: h.connection, tenant: 'acme', fetch: rec.fetch, random: () => 0.1 });
    c = { h, client, tag: randomBytes(4).toString('hex') };
  });
  afterAll(async () => {
    await h?.close();
  });

  async function write(w: WriteCase): Promise<{ id: string; created?: boolean }> {
    const id = w.target ? await w.target(c) : undefined;
    const r = only(await client.write(w.object, w.operation, [{ ...(id !== undefined ? { id } : {}), fields: w.fields(c) }]));
    const written = r.id ?? id;
    if (written === undefined) throw new Error(`${w.object}.${w.operation} returned no id`);
    expect(await h.record(w.object, written)).toMatchObject(w.stored(c));
    return { id: written, ...(r.created !== undefined ? { created: r.created } : {}) };
  }

  scenario('create: the record exists at the vendor with the written values', v.create, async (w) => {
    const { created } = await write(w);
    expect(created).toBe(true);
  });

  scenario('update: the vendor holds the new values', v.update, async (w) => {
    await write(w);
  });

  scenario('batch upsert: creates, then updates the same records by their unique value', v.batchUpsert, async (b) => {
    const first = await client.write(b.object, b.operation, b.fields(c, 1).map((fields) => ({ fields })));
    expect(first.map((r) => r.ok && r.created)).toEqual(first.map(() => true));
    const ids = first.map((r) => (r.ok ? r.id : undefined));
    for (const [i, id] of ids.entries()) expect(await h.record(b.object, id as string)).toMatchObject(b.stored(c, i, 1));
    const second = await client.write(b.object, b.operation, b.fields(c, 2).map((fields) => ({ fields })));
    expect(second).toEqual(ids.map((id) => ({ ok: true, id, created: false })));
    for (const [i, id] of ids.entries()) expect(await h.record(b.object, id as string)).toMatchObject(b.stored(c, i, 2));
  });

  scenario('incremental read from `since` returns what changed after it, and only that', v.incremental, async (inc) => {
    const read = (since?: Date) => collect(inc.via === 'list' ? client.list(inc.object, since ? { since } : {}) : client.search(inc.object, since ? { since } : {}));
    const all = await read();
    const since = await h.advanceClock(3_600_000);
    const { id } = await write(inc.touch);
    const changed = await read(since);
    expect(changed.map((r) => r.id)).toContain(id);
    expect(changed.length).toBeLessThan(all.length);
    for (const r of changed) expect(Date.parse(r.updatedAt as string)).toBeGreaterThanOrEqual(since.getTime());
  });

  scenario('get: the record read back is normalised to canonical fields; an unknown id is undefined', v.get, async (g) => {
    const id = await g.id(c);
    const got = await client.get(g.object, id);
    expect(got?.id).toBe(id);
    expect(got?.fields).toMatchObject(g.fields(c));
    expect(Number.isNaN(Date.parse(got?.updatedAt ?? ''))).toBe(false);
    expect(await client.get(g.object, g.missingId)).toBeUndefined();
  });

  scenario('batch read: several ids in one call, each record normalised as get returns it; an unknown id is left out', v.batchRead, async (g) => {
    const id = await g.id(c);
    const got = await client.get(g.object, id);
    const mark = rec.mark();
    const batch = await client.batchRead(g.object, [id, g.missingId]);
    expect(rec.since(mark)).toHaveLength(1);
    expect(batch.map((r) => r.id)).toEqual([id]);
    expect(batch[0]?.fields).toEqual(got?.fields);
    expect(batch[0]?.updatedAt).toBe(got?.updatedAt);
  });

  scenario('search by criteria finds the matching record', v.searchByCriteria, async (s) => {
    const { criteria, expectId } = await s.criteria(c);
    const found = await collect(client.search(s.object, { criteria }));
    expect(found.map((r) => r.id)).toContain(expectId);
  });

  scenario('candidate lookups find existing records by a property, for identity matching', v.lookups, async (lookups) => {
    for (const l of lookups) {
      const { values, expectId } = await l.values(c);
      const found = await collect(client.search(l.object, { operation: l.operation, lookup: { property: l.property, values } }));
      expect(found.map((r) => r.id), `${l.object}.${l.operation} by ${l.property}`).toContain(expectId);
    }
  });

  for (const w of v.moreWrites) {
    it(`${w.object}.${w.operation}: the vendor holds the written values`, async () => {
      await write(w);
    });
  }

  scenario('429 (rate limited): the client waits and succeeds', v.rateLimit, async (f) => {
    const mark = rec.mark();
    h.front.scriptFault({ kind: 'rate_limit', count: 1, pathContains: f.pathContains, ...(f.retryAfterSeconds ? { retryAfterSeconds: f.retryAfterSeconds } : {}) });
    const started = performance.now();
    await write(v.probe);
    const statuses = rec.since(mark).map((e) => e.status);
    expect(statuses[0]).toBe(f.status);
    expect(statuses.at(-1)).toBeLessThan(300);
    if (f.retryAfterSeconds) expect(performance.now() - started).toBeGreaterThanOrEqual(f.retryAfterSeconds * 1000 - 50);
  });

  scenario('401 (expired access token): the client refreshes once and succeeds', v.expiredToken, async (t) => {
    await write(v.probe);
    const refreshes = h.refreshCount();
    h.front.setFaults({ expireTokens: true });
    try {
      const mark = rec.mark();
      await write(v.probe);
      const calls = rec.since(mark);
      expect(calls.map((e) => e.status)).toEqual([401, 200, calls.at(-1)?.status]);
      expect(calls[1]?.url.pathname).toBe(t.tokenPath);
      expect(calls[1]?.method).toBe('POST');
      expect(h.refreshCount()).toBe(refreshes + 1);
    } finally {
      h.front.setFaults({ expireTokens: false });
    }
  });

  scenario('5xx: the request is retried until it succeeds', v.serverError, async (f) => {
    const mark = rec.mark();
    h.front.scriptFault({ kind: 'server_error', count: 2, status: f.status, pathContains: f.pathContains });
    await write(v.probe);
    const statuses = rec.since(mark).map((e) => e.status);
    expect(statuses.slice(0, 2)).toEqual([f.status, f.status]);
    expect(statuses).toHaveLength(3);
    expect(statuses[2]).toBeLessThan(300);
  });

  scenario("400: a mapping ConnectorError carrying the vendor's message, not retried", v.badRequest, async (b) => {
    const mark = rec.mark();
    const id = b.target ? await b.target(c) : undefined;
    const [r] = await client.write(b.object, b.operation, [{ ...(id !== undefined ? { id } : {}), fields: b.fields(c) }]);
    expect(r?.ok).toBe(false);
    const err = (r as { error: ConnectorError }).error;
    expect(isConnectorError(err)).toBe(true);
    expect(err.class).toBe('mapping');
    expect(err.recordIndex).toBe(0);
    expect(err.vendorMessage).toMatch(b.message);
    expect(err.message).toContain(err.vendorMessage);
    expect(rec.since(mark)).toHaveLength(1);
  });

  describe('webhooks', () => {
    let server: WebhookServer | undefined;
    afterAll(async () => {
      await server?.close();
    });

    const post = (url: string, body: string, headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    scenario('a delivery from the vendor passes the verifier and reaches the inbox', v.webhooks, async (w) => {
      server = await startWebhookServer(doc);
      await w.subscribe(c, server.endpoint);
      const id = await w.trigger(c);
      const sink = server.sink;
      const event = await waitFor('the delivered event', () => sink.events.find((e) => e.objectId === id));
      expect(event).toMatchObject({ tenant: 'acme', connection: v.connector });
      expect(sink.calls).toBeGreaterThanOrEqual(1);
    });

    scenario('a forged delivery is refused with 401', v.webhooks, async (w) => {
      server ??= await startWebhookServer(doc);
      const body = w.sampleBody();
      const before = server.sink.calls;
      const forged = await post(server.endpoint, body, w.forged(body, server.endpoint));
      expect(forged.status).toBe(401);
      const bare = await post(server.endpoint, body, {});
      expect(bare.status).toBe(401);
      expect(server.sink.calls).toBe(before);
    });

    scenario('a correctly signed but stale delivery is refused with 401', isSkip(v.webhooks) ? v.webhooks : v.webhooks.stale, async (stale) => {
      server ??= await startWebhookServer(doc);
      const body = (v.webhooks as Exclude<typeof v.webhooks, Skip>).sampleBody();
      const before = server.sink.calls;
      const res = await post(server.endpoint, body, stale(body, server.endpoint));
      expect(res.status).toBe(401);
      expect(server.sink.calls).toBe(before);
    });
  });

  scenario('every request and response fits the vendor OpenAPI document', v.spec, async (route) => {
    expect(rec.exchanges.length).toBeGreaterThan(5);
    expect(specProblems(rec.exchanges, route(h))).toEqual([]);
  });
});
