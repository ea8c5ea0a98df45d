/**
 * The reference scenario (DESIGN §2.1) end to end, with the shipped connector and pipeline files:
 * Quotey quotes in a SQLite database, the HubSpot simulator over HTTP with OAuth, the state store
 * on SQLite. Quotes become deals (batch upsert by quotey_quote_id); a stage set by a user in
 * HubSpot flows back to the quote (crm_wins); a local total change goes out while a HubSpot edit
 * of the total is overwritten and recorded as drift (local_wins).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import { startHubspotSimulator } from '../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../src/simulators/kit/server.js';
import type { Scope } from '../../src/state/scope.js';
import { findLinkByLocal, type Link } from '../../src/state/links.js';
import { getFieldBases } from '../../src/state/fieldBases.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { queryAudit } from '../../src/state/audit.js';
import { createQuoteyQuotes, openLocal } from './support/localDb.js';
import { hubspot, hubspotEnv } from './support/hubspot.js';

const SPECS = ['connectors/quotey.yaml', 'connectors/hubspot.yaml', 'pipelines/quotey-deals-hubspot.yaml', 'pipelines/hubspot-deals-quotey.yaml'];
const DEALS = { connector: 'hubspot', object: 'deals' };

describe('Quotey → HubSpot deals and back (reference scenario)', () => {
  let dir: string;
  let sim: RunningSimulator;
  let quotey: Knex;
  let runtime: Runtime;
  let scope: Scope;

  const run = async (pipeline: string): Promise<void> => {
    const runner = runtime.runner(pipeline);
    await runner.runOnce();
  };
  const deal = (id: string) => hubspot<{ properties: Record<string, string | null> }>(sim, 'GET', `/__admin/records/deals/${id}`);
  const quote = async (id: string) => (await quotey('quotes').where({ id }).first()) as Record<string, unknown>;
  const linkOf = async (id: string): Promise<Link> => {
    const link = await findLinkByLocal(scope, { object: 'quotey.quotes', key: id }, DEALS);
    if (!link) throw new Error(`quote ${id} is not linked`);
    return link;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'syncd-quotey-'));
    sim = await startHubspotSimulator({ seed: 7 });
    for (const [name, type, fieldType, unique] of [
      ['quotey_quote_id', 'string', 'text', true],
      ['quotey_quote_version', 'number', 'number', false],
      ['quotey_quote_total', 'number', 'number', false],
    ] as const) {
      await hubspot(sim, 'POST', '/crm/v3/properties/deals', { name, label: name, type, fieldType, groupName: 'dealinformation', ...(unique ? { hasUniqueValue: true } : {}) });
    }
    const quoteyUrl = path.join(dir, 'quotey.db');
    quotey = openLocal(quoteyUrl);
    await createQuoteyQuotes(quotey);
    await quotey('quotes').insert([
      { id: 'Q-1', version: 1, title: 'Fleet renewal', state: 'sent', total: 1000, currency: 'EUR', updated_at: '2026-03-01T10:00:00.000Z' },
      { id: 'Q-2', version: 3, title: 'Pilot', state: 'accepted', total: 250.5, currency: 'EUR', updated_at: '2026-03-01T10:01:00.000Z' },
      { id: 'Q-3', version: 1, title: 'Draft', state: 'draft', total: 99, currency: 'EUR', updated_at: '2026-03-01T10:02:00.000Z' },
    ]);
    const project = await loadProject(SPECS);
    runtime = await Runtime.create({
      project,
      store: path.join(dir, 'state.db'),
      env: {
        QUOTEY_DATABASE_URL: quoteyUrl,
        ...hubspotEnv(sim),
        SYNCD_SECRET_KEY: randomBytes(32).toString('base64'),
      },
    });
    scope = runtime.store.forTenant('default');
  });

  afterAll(async () => {
    await runtime?.close();
    await quotey?.destroy();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shared quotes become deals through a batch upsert; links and bases are stored; drafts stay local', async () => {
    const count = async () => (await hubspot<{ counts: { deals: { active: number } } }>(sim, 'GET', '/__admin/state')).counts.deals.active;
    const fixtures = await count();
    await run('quotey-deals-hubspot');
    expect(await count()).toBe(fixtures + 2);
    expect(await findLinkByLocal(scope, { object: 'quotey.quotes', key: 'Q-3' }, DEALS)).toBeUndefined();

    const link = await linkOf('Q-1');
    expect(link).toMatchObject({ strategy: 'external_id', status: 'linked', pipeline: 'quotey-deals-hubspot' });
    const d = await deal(link.remote.id);
    expect(d.properties).toMatchObject({ quotey_quote_id: 'Q-1', dealname: 'Quote Q-1 v1', quotey_quote_version: '1', quotey_quote_total: '1000' });
    const bases = await getFieldBases(scope, link.id);
    expect(bases.get('quote.id')?.value).toBe('Q-1');
    expect(bases.get('quote.total')?.value).toBe(1000);
    expect(bases.get('deal.name')?.value).toBe('Quote Q-1 v1');

    const q2 = await deal((await linkOf('Q-2')).remote.id);
    expect(q2.properties).toMatchObject({ quotey_quote_id: 'Q-2', quotey_quote_version: '3', quotey_quote_total: '250.5' });
    const audit = await queryAudit(scope, { recordKey: 'Q-1' });
    expect(audit.map((a) => a.action)).toEqual(['write.intent', 'write.ok']);
  });

  it('a deal stage set by a user in HubSpot flows back to the quote (crm_wins), with the deal id bound', async () => {
    const link = await linkOf('Q-1');
    await hubspot(sim, 'PATCH', `/__admin/records/deals/${link.remote.id}`, { properties: { dealstage: 'closedwon' } });
    await run('hubspot-deals-quotey');
    const q1 = await quote('Q-1');
    expect(q1.deal_stage).toBe('closedwon');
    expect(q1.crm_ref).toBe(link.remote.id);
    expect(q1.total).toBe(1000);
    const bases = await getFieldBases(scope, link.id);
    expect(bases.get('deal.stage')?.value).toBe('closedwon');
    expect(bases.get('deal.crm_ref')?.value).toBe(link.remote.id);
    // Q-2's deal did not change stage in HubSpot; the local quote keeps what it had.
    expect((await quote('Q-2')).deal_stage).toBe((await deal((await linkOf('Q-2')).remote.id)).properties.dealstage ?? null);

    // The stage now agreed, the next outbound cycle has nothing to write for it.
    const before = (await queryAudit(scope, { recordKey: 'Q-1' })).filter((a) => a.action === 'write.intent').length;
    await run('quotey-deals-hubspot');
    expect((await queryAudit(scope, { recordKey: 'Q-1' })).filter((a) => a.action === 'write.intent')).toHaveLength(before);
  });

  it('a local total change goes out (local_wins); a HubSpot edit of the total is overwritten and recorded as drift', async () => {
    const link = await linkOf('Q-1');
    await quotey('quotes').where({ id: 'Q-1' }).update({ total: 1500, version: 2, updated_at: '2026-03-02T09:00:00.000Z' });
    await hubspot(sim, 'PATCH', `/__admin/records/deals/${link.remote.id}`, { properties: { quotey_quote_total: '999' } });

    await run('hubspot-deals-quotey');
    await run('quotey-deals-hubspot');

    const d = await deal(link.remote.id);
    expect(d.properties).toMatchObject({ quotey_quote_total: '1500', quotey_quote_version: '2', dealname: 'Quote Q-1 v2', dealstage: 'closedwon' });
    expect((await quote('Q-1')).total).toBe(1500);
    expect((await getFieldBases(scope, link.id)).get('quote.total')?.value).toBe(1500);

    const drift = await listReconciliationItems(scope, { recordKey: 'Q-1', kind: 'drift' });
    expect(drift.length).toBeGreaterThanOrEqual(1);
    for (const item of drift) {
      expect(item.field).toBe('quote.total');
      expect(item.payload).toMatchObject({ side: 'crm', base: 1000, kept: 1500 });
      expect(Number((item.payload as { overwritten: unknown }).overwritten)).toBe(999);
    }
    const writes = (await queryAudit(scope, { recordKey: 'Q-1' })).filter((a) => a.action === 'write.ok' && a.pipeline === 'quotey-deals-hubspot');
    expect(writes.at(-1)?.after).toMatchObject({ quotey_quote_total: 1500, quotey_quote_version: 2, quotey_quote_id: 'Q-1' });
  });
});
