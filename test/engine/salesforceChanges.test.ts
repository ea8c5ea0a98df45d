/**
 * Opportunity changes reach Quotey through Salesforce Change Data Capture (the shipped
 * `salesforce-opportunity-changes-quotey` pipeline and connector), spoken over gRPC to the
 * simulator's Pub/Sub API: live changes, a restart that resumes after the stored replay id, a
 * dropped stream, an expired session, a replay id past the retention, and two workers sharing one
 * stream. Both stores.
 */
import type { Knex } from 'knex';
import { Runtime, type RuntimeOptions } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import type { ChangeStreamNotice } from '../../src/engine/changeEvents.js';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../src/simulators/salesforce/index.js';
import { tables } from '../../src/state/tables.js';
import { callJson } from '../conformance/support/http.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { waitFor } from './support/daemon.js';
import { createQuoteyQuotes, openLocal } from './support/localDb.js';
import { salesforceEnv } from '../support/salesforceEnv.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { runStatus } from '../../src/cli/commands/operator.js';

const SPECS = ['connectors/quotey.yaml', 'connectors/salesforce.yaml', 'pipelines/salesforce-opportunity-changes-quotey.yaml', 'pipelines/salesforce-opportunities-quotey.yaml'];
const POLLING = 'salesforce-opportunities-quotey';
const PIPELINE = 'salesforce-opportunity-changes-quotey';
const INBOX = 'salesforce:Opportunity';

describe.each(backends)('Salesforce change events → Quotey (%s store)', (backend: Backend) => {
  let urls: BackendUrls;
  let sim: RunningSalesforceSimulator;
  let quotey: Knex;
  let opportunity: string;
  const notices: ChangeStreamNotice[] = [];
  const running = new Set<Runtime>();

  const admin = <T>(method: string, route: string, body?: unknown) => callJson<T>(`${sim.url}/__admin/${route}`, { method, ...(body === undefined ? {} : { body }) });
  const quote = async (id: string) => (await quotey('quotes').where({ id }).first()) as Record<string, unknown>;
  const start = async (opts: Partial<RuntimeOptions> = {}, envOverride: Record<string, string> = {}): Promise<Runtime> => {
    const rt = await Runtime.create({
      project: await loadProject(SPECS),
      store: urls.store,
      env: {
        QUOTEY_DATABASE_URL: urls.local,
        ...salesforceEnv(sim),
        SYNCD_SECRET_KEY: urls.secretKey,
        ...envOverride,
      },
      pipelines: [PIPELINE],
      changeStreams: { leaseMs: 1_500, standbyMs: 100 },
      onChangeStream: (n) => notices.push(n),
      retention: false,
      ...opts,
    });
    rt.start();
    running.add(rt);
    return rt;
  };
  const stop = async (rt: Runtime): Promise<void> => {
    running.delete(rt);
    await rt.stop(5_000);
  };
  const connected = (since: number) => waitFor('the change stream to connect', () => notices.slice(since).some((n) => n.kind === 'connected') && sim.pubSub.openStreams() > 0, 10_000);
  const inboxRows = async (rt: Runtime) => rt.store.knex(tables.webhookInbox).where({ connection: INBOX }).select('event_id', 'event_type', 'status');
  const stageIs = (id: string, stage: string) => waitFor(`quote ${id} at stage ${stage}`, async () => (await quote(id)).deal_stage === stage, 10_000);

  beforeAll(async () => {
    urls = await prepareBackend(backend, 'syncd_sf_changes');
    sim = await startSalesforceSimulator({ config: { rotateRefreshTokens: true, pubSubKeepAliveMs: 200 } });
    quotey = openLocal(urls.local);
    await createQuoteyQuotes(quotey);
    await quotey('quotes').insert([
      { id: 'Q-7', version: 1, title: 'Fleet renewal', state: 'sent', total: 1000, currency: 'EUR', updated_at: '2026-03-01T10:00:00.000Z' },
      { id: 'Q-9', version: 1, title: 'Pilot', state: 'sent', total: 50, currency: 'EUR', updated_at: '2026-03-01T10:00:00.000Z' },
    ]);
  });

  afterAll(async () => {
    for (const rt of running) await rt.stop(5_000);
    await quotey?.destroy();
    await sim?.close();
    await urls?.cleanup();
  });

  it('brings an opportunity created and then edited in Salesforce to its quote within seconds, without polling', async () => {
    const rt = await start();
    await connected(0);
    expect(notices.find((n) => n.kind === 'connected')).toMatchObject({ from: 'latest', target: { object: 'Opportunity', topic: '/data/OpportunityChangeEvent' } });
    opportunity = (await admin<{ Id: string }>('POST', 'records/Opportunity', { Name: 'Fleet renewal', StageName: 'Prospecting', CloseDate: '2026-05-31', Quotey_Quote_Id__c: 'Q-7' })).Id;
    await stageIs('Q-7', 'Prospecting');
    expect(await quote('Q-7')).toMatchObject({ crm_ref: opportunity, close_date: '2026-05-31' });
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Negotiation/Review' });
    await stageIs('Q-7', 'Negotiation/Review');
    // One inbox row per change, each processed; no poll ran (the source has no schedule to poll).
    await waitFor('the inbox to be processed', async () => (await inboxRows(rt)).every((r) => r.status === 'done'), 5_000);
    expect((await inboxRows(rt)).map((r) => r.event_type).sort()).toEqual(['Opportunity.CREATE', 'Opportunity.UPDATE']);
    await stop(rt);
  });

  it('lets the polling fallback run beside it: what the stream wrote is not written again, and nothing conflicts', async () => {
    const rt = await Runtime.create({ project: await loadProject(SPECS), store: urls.store, env: { QUOTEY_DATABASE_URL: urls.local, ...salesforceEnv(sim), SYNCD_SECRET_KEY: urls.secretKey }, pipelines: [POLLING], retention: false });
    try {
      const before = await quote('Q-7');
      const runner = rt.runner(POLLING);
      expect(await runner.runOnce()).toBe(true);
      // The poll reads Q-7's opportunity (and the org's fixture one, which names no quote).
      expect(runner.progress).toMatchObject({ written: 0, rejected: 0 });
      expect(await quote('Q-7')).toEqual(before);
      expect(await listReconciliationItems(rt.store.forTenant('default'), {})).toEqual([]);
    } finally {
      await rt.close();
    }
  });

  it('resumes after the stored replay id on restart: changes made while stopped arrive, none twice', async () => {
    // Stopped: Salesforce keeps the events.
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Closed Won' });
    await admin('PATCH', `records/Opportunity/${opportunity}`, { CloseDate: '2026-04-30' });
    const before = notices.length;
    const rt = await start();
    await connected(before);
    expect(notices.slice(before).find((n) => n.kind === 'connected')).toMatchObject({ from: 'replay-id' });
    await waitFor('the close date', async () => (await quote('Q-7')).close_date === '2026-04-30', 10_000);
    expect(await quote('Q-7')).toMatchObject({ deal_stage: 'Closed Won', crm_ref: opportunity });
    const rows = await inboxRows(rt);
    // Every Opportunity event Salesforce retains is in the inbox exactly once.
    const retained = sim.pubSub.retainedEvents().filter((e) => e.entityName === 'Opportunity').flatMap((e) => e.recordIds.map((id) => `${e.eventId}:${id}`));
    expect(rows.map((r) => r.event_id).sort()).toEqual(retained.sort());
    expect(rows).toHaveLength(4);
    await stop(rt);
  });

  it("reads a burst of changes in a few composite calls, not one API request of the org's daily allowance per change", async () => {
    // Stopped: forty opportunities of no Quotey quote (skipped) and a change of Q-7's arrive together.
    for (let i = 0; i < 40; i++) await admin('POST', 'records/Opportunity', { Name: `Burst ${i}`, StageName: 'Prospecting', CloseDate: '2026-06-30', Quotey_Quote_Id__c: `Q-X${i}` });
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Closed Lost' });
    const used = async () => (await admin<{ apiUsage: { used: number } }>('GET', 'state')).apiUsage.used;
    const before = await used();
    const rt = await start();
    await stageIs('Q-7', 'Closed Lost');
    await waitFor('the inbox to be processed', async () => (await inboxRows(rt)).every((r) => r.status === 'done'), 10_000);
    expect((await inboxRows(rt)).filter((r) => r.event_type === 'Opportunity.CREATE').length).toBeGreaterThanOrEqual(40);
    // One sObject Collections read per page of events (up to 200 records); a get each would be 41.
    expect((await used()) - before).toBeLessThanOrEqual(3);
    await stop(rt);
  });

  it('shows the stream in `syncd status`: when the last change it stored was made', async () => {
    let out = '';
    const io = { out: (t: string) => void (out += t), err: () => undefined };
    expect(await runStatus({ store: urls.store, tenant: 'default', json: true }, io)).toBe(0);
    const status = JSON.parse(out) as { pipelines: Array<{ pipeline: string }>; changeStreams: Array<{ connector: string; object: string; lastChangeAt: number }> };
    const lastChange = Math.max(...sim.pubSub.retainedEvents().map((e) => e.commitTimestamp));
    expect(status.changeStreams).toEqual([{ connector: 'salesforce', object: 'Opportunity', lastChangeAt: lastChange, storedAt: expect.any(Number) }]);
    expect(status.pipelines.map((p) => p.pipeline)).not.toContain('changes:salesforce');
    out = '';
    await runStatus({ store: urls.store, tenant: 'default', json: false }, io);
    expect(out).toMatch(/^change stream\s+last change\s+stored$/m);
    expect(out).toMatch(/^salesforce Opportunity\s+\d{4}-\d\d-\d\dT\S+\s+\d{4}-/m);
  });

  it('reconnects after the stream is dropped and after the session expires, losing nothing', async () => {
    const rt = await start();
    await connected(notices.length - 1);
    const before = notices.length;
    expect(sim.pubSub.dropStreams()).toBe(1);
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Dropped Stream' });
    await stageIs('Q-7', 'Dropped Stream');
    expect(notices.slice(before).map((n) => n.kind)).toContain('disconnected');
    // Every access token expires: the next fetch is refused, the session is refreshed (the
    // refresh token rotates), and the stream reopens after the last stored event.
    sim.setFaults({ expireTokens: true });
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Expired Session' });
    await stageIs('Q-7', 'Expired Session');
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'After Refresh' });
    await stageIs('Q-7', 'After Refresh');
    const ids = (await inboxRows(rt)).map((r) => r.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    await stop(rt);
  });

  it('reports a gap when the stored replay id is past the retention, with the time to backfill from, and goes on', async () => {
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Lost While Down' });
    // Beyond the 72 hours: every event so far is gone, the stored replay id with them.
    sim.pubSub.purgeEventsBefore(Date.now() + 86_400_000 * 365);
    await admin('PATCH', `records/Opportunity/${opportunity}`, { CloseDate: '2026-08-31' });
    const before = notices.length;
    const rt = await start();
    await waitFor('the gap report', () => notices.slice(before).some((n) => n.kind === 'gap'), 10_000);
    const gap = notices.slice(before).find((n) => n.kind === 'gap');
    expect(gap).toMatchObject({ reason: 'replay-id-invalid', since: expect.any(Number) });
    await waitFor('the reconnect after the gap', () => notices.slice(before).some((n) => n.kind === 'connected'), 10_000);
    expect(notices.slice(before).find((n) => n.kind === 'connected')).toMatchObject({ from: 'earliest' });
    // From the earliest retained event on: the later change arrives. The record is read whole,
    // so the purged change of this record comes with it; a record not changed again would wait
    // for the backfill the gap report asks for.
    await waitFor('the close date after the gap', async () => (await quote('Q-7')).close_date === '2026-08-31', 10_000);
    expect((await quote('Q-7')).deal_stage).toBe('Lost While Down');
    await stop(rt);
  });

  it('keeps one stream for two workers sharing the store; when its holder stops, the other resumes it', async () => {
    const a = await start({ worker: 'worker-a' });
    const b = await start({ worker: 'worker-b' });
    await waitFor('one stream', () => sim.pubSub.openStreams() === 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.pubSub.openStreams()).toBe(1);
    const lease = await a.store.knex(tables.leases).where({ name: 'changes:salesforce:Opportunity' }).first();
    const [holding, standing] = lease.holder === 'worker-a' ? [a, b] : [b, a];
    const other = (await admin<{ Id: string }>('POST', 'records/Opportunity', { Name: 'Pilot', StageName: 'Qualification', CloseDate: '2026-06-30', Quotey_Quote_Id__c: 'Q-9' })).Id;
    await stageIs('Q-9', 'Qualification');
    await stop(holding);
    await admin('PATCH', `records/Opportunity/${other}`, { StageName: 'Proposal' });
    await stageIs('Q-9', 'Proposal');
    expect(await quote('Q-9')).toMatchObject({ crm_ref: other });
    await stop(standing);
  });

  it('reports a stream its org refuses (a wrong org id) and retries it with backoff, not in a loop', async () => {
    const before = notices.length;
    const rt = await start({}, { SALESFORCE_ORG_ID: '00D000000000000AAA' });
    await waitFor('the refusal', () => notices.slice(before).some((n) => n.kind === 'disconnected'), 10_000);
    const refusal = notices.slice(before).find((n) => n.kind === 'disconnected');
    expect(refusal).toMatchObject({ error: expect.stringContaining('UNAUTHENTICATED'), retryInMs: expect.any(Number) });
    await new Promise((r) => setTimeout(r, 1_000));
    // Backoff from 1 s: a few attempts at most, each reported.
    expect(notices.slice(before).filter((n) => n.kind === 'disconnected').length).toBeLessThanOrEqual(4);
    await stop(rt);
  });

  it('opens one reconciliation item on the quote whose opportunity is deleted, and writes nothing to the quote', async () => {
    await quotey('quotes').insert({ id: 'Q-11', version: 1, title: 'Short-lived', state: 'sent', total: 10, currency: 'EUR', updated_at: '2026-03-01T10:00:00.000Z' });
    const before = notices.length;
    const rt = await start();
    await connected(before);
    const id = (await admin<{ Id: string }>('POST', 'records/Opportunity', { Name: 'Short-lived', StageName: 'Prospecting', CloseDate: '2026-07-31', Quotey_Quote_Id__c: 'Q-11' })).Id;
    await stageIs('Q-11', 'Prospecting');
    await admin('DELETE', `records/Opportunity/${id}`);
    const items = () => listReconciliationItems(rt.store.forTenant('default'), { recordKey: 'Q-11' });
    await waitFor('the deleted-record item', async () => (await items()).length > 0, 10_000);
    expect(await items()).toEqual([
      expect.objectContaining({ kind: 'conflict', pipeline: PIPELINE, recordKey: 'Q-11', payload: expect.objectContaining({ stage: 'deleted', remoteId: id, message: expect.stringContaining('no longer exists in salesforce') }) }),
    ]);
    await waitFor('the inbox to be processed', async () => (await inboxRows(rt)).every((r) => r.status === 'done'), 5_000);
    expect((await inboxRows(rt)).filter((r) => r.event_type === 'Opportunity.DELETE')).toHaveLength(1);
    expect(await quote('Q-11')).toMatchObject({ crm_ref: id, deal_stage: 'Prospecting', close_date: '2026-07-31' });
    // `syncd status` counts it among the pipeline's open items.
    let out = '';
    expect(await runStatus({ store: urls.store, tenant: 'default', json: true }, { out: (t) => void (out += t), err: () => undefined })).toBe(0);
    const rows = (JSON.parse(out) as { pipelines: Array<{ pipeline: string; openItems: number }> }).pipelines;
    expect(rows.find((p) => p.pipeline === PIPELINE)?.openItems).toBe(1);
    await stop(rt);
  });

  it('names no secret in what it reports', () => {
    const text = JSON.stringify(notices);
    for (const secret of [sim.config.clientSecret, sim.config.refreshToken]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/![A-Za-z0-9._-]{20,}/);
  });
});
