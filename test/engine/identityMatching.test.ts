/**
 * Identity matching against the CRM's existing records (DESIGN §3), end to end with the shipped
 * Queast → HubSpot companies pipeline and the HubSpot simulator: a Queast company already in
 * HubSpot is found by domain, LinkedIn page or a confident fuzzy name and updated there (never
 * created twice); a name in the review band waits in the review queue, unwritten, until an
 * operator approves (the record is then updated) or rejects (the record is then created).
 */
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import { startHubspotSimulator } from '../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../src/simulators/kit/server.js';
import type { Scope } from '../../src/state/scope.js';
import { findLinkByLocal, type Link } from '../../src/state/links.js';
import { approveCandidate, listCandidates, recordsAwaitingReview, rejectCandidate, unappliedDecisions } from '../../src/state/reviewQueue.js';
import { queryAudit } from '../../src/state/audit.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { createQueastCompanies, openLocal } from './support/localDb.js';
import { hubspot, hubspotEnv } from './support/hubspot.js';
import { backends, prepareBackend, type BackendUrls } from './support/backends.js';

const SPECS = ['connectors/queast.yaml', 'connectors/hubspot.yaml', 'pipelines/queast-companies-hubspot.yaml'];
const PIPELINE = 'queast-companies-hubspot';
const COMPANIES = { connector: 'hubspot', object: 'companies' };

const at = (minute: number) => new Date(Date.parse('2026-05-01T09:00:00Z') + minute * 60_000).toISOString();

describe.each(backends)('identity matching against HubSpot on %s', (backend) => {
  let urls: BackendUrls;
  let sim: RunningSimulator;
  let queast: Knex;
  let runtime: Runtime;
  let scope: Scope;
  /** The simulator's fixture companies: Biglytics (1001, biglytics.net), Smalllytics (1002), Acme Widgets (1003). */
  let initech: string;

  const run = async (): Promise<void> => {
    const runner = runtime.runner(PIPELINE);
    expect(await runner.runOnce()).toBe(true);
  };
  const progress = () => runtime.runner(PIPELINE).progress;
  const companies = async () => (await hubspot<{ results: Array<{ id: string; properties: Record<string, string | null> }> }>(sim, 'GET', '/crm/v3/objects/companies?limit=100&properties=name,domain,queast_company_id,industry')).results;
  const company = async (id: string) => (await hubspot<{ properties: Record<string, string | null> }>(sim, 'GET', `/__admin/records/companies/${id}`)).properties;
  const linkOf = (key: string): Promise<Link | undefined> => findLinkByLocal(scope, { object: 'queast.companies', key }, COMPANIES);

  beforeAll(async () => {
    urls = await prepareBackend(backend, `identity_${backend}`);
    sim = await startHubspotSimulator({ seed: 11 });
    for (const p of [
      { name: 'queast_company_id', type: 'string', fieldType: 'text', hasUniqueValue: true },
      { name: 'queast_interesting', type: 'bool', fieldType: 'booleancheckbox' },
    ]) {
      await hubspot(sim, 'POST', '/crm/v3/properties/companies', { ...p, label: p.name, groupName: 'companyinformation' });
    }
    const created = await hubspot<{ id: string }>(sim, 'POST', '/crm/v3/objects/companies', {
      properties: { name: 'Initech', domain: 'initech.example', linkedin_company_page: 'https://www.linkedin.com/company/initech' },
    });
    initech = created.id;

    queast = openLocal(urls.local);
    await createQueastCompanies(queast);
    await queast('companies').insert([
      // Same registrable domain as Biglytics (1001), another spelling of the name.
      { id: 'qc-1', name: 'Biglytics Inc.', website: 'https://www.biglytics.net/about', industry: 'Analytics', employees: 130, updated_at: at(1) },
      // No domain, a legal suffix more: a confident fuzzy match of Acme Widgets (1003).
      { id: 'qc-2', name: 'Acme Widgets GmbH', industry: 'Manufacturing', employees: 450, updated_at: at(2) },
      // A typo of Smalllytics (1002, industry Consulting): similar enough to propose, not to link on its own.
      { id: 'qc-3', name: 'Smallytix', industry: 'Consulting', updated_at: at(3) },
      // Another name near Biglytics (1001), in the review band too.
      { id: 'qc-4', name: 'Biglytics AI', industry: 'Software', updated_at: at(4) },
      // Initech's LinkedIn page in another form; the name and domain differ.
      { id: 'qc-5', name: 'Initech Systems', website: 'https://initech-systems.example', linkedin_url: 'linkedin.com/company/Initech/', industry: 'Software', updated_at: at(5) },
      // Nothing like it in HubSpot.
      { id: 'qc-6', name: 'Umbrella Research', website: 'https://umbrella.example', industry: 'Biotech', updated_at: at(6) },
    ]);

    runtime = await Runtime.create({
      project: await loadProject(SPECS),
      store: urls.store,
      env: {
        QUEAST_DATABASE_URL: urls.local,
        ...hubspotEnv(sim),
        SYNCD_SECRET_KEY: urls.secretKey,
      },
    });
    scope = runtime.store.forTenant('default');
  });

  afterAll(async () => {
    await runtime?.close();
    await queast?.destroy();
    await sim?.close();
    await urls?.cleanup();
  });

  it('syncd plan shows each match decision and writes nothing', async () => {
    const runner = runtime.runner(PIPELINE);
    const plans = await runner.preview(100);
    const writes = plans.flatMap((p) => p.writes).map((w) => [w.recordKey, w.operation, (w.payload as { targetId?: string }).targetId ?? null]);
    expect(writes.sort()).toEqual([
      ['qc-1', 'batchUpdate', '1001'],
      ['qc-2', 'batchUpdate', '1003'],
      ['qc-5', 'batchUpdate', initech],
      ['qc-6', 'batchUpsert', null],
    ]);
    expect(plans.flatMap((p) => p.reviews).map((r) => [r.local.key, r.remote.id]).sort()).toEqual([
      ['qc-3', '1002'],
      ['qc-4', '1001'],
    ]);
    expect(await listCandidates(scope)).toEqual([]);
    expect(await linkOf('qc-1')).toBeUndefined();
  });

  it('updates the companies HubSpot already has, creates only the new one, and holds back the uncertain ones', async () => {
    const before = await companies();
    await run();
    const after = await companies();
    // One company created (qc-6); the matched ones were updated in place.
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((c) => c.properties.queast_company_id === 'qc-6')).toHaveLength(1);

    for (const [key, remoteId, strategy] of [
      ['qc-1', '1001', 'domain'],
      ['qc-2', '1003', 'fuzzyName'],
      ['qc-5', initech, 'linkedin'],
    ] as const) {
      const link = await linkOf(key);
      expect(link, key).toMatchObject({ remote: { id: remoteId }, strategy, status: 'linked' });
      expect((await company(remoteId)).queast_company_id, key).toBe(key);
    }
    // First bind of Biglytics: the name is merge_with_audit with the CRM's spelling winning a
    // conflict; the industry is local_wins.
    expect(await company('1001')).toMatchObject({ name: 'Biglytics', industry: 'Analytics', numberofemployees: '130' });

    // The review-band names are not written, and wait for an operator.
    expect(await linkOf('qc-3')).toBeUndefined();
    expect(await linkOf('qc-4')).toBeUndefined();
    expect((await company('1002')).queast_company_id ?? null).toBeNull();
    const pending = await listCandidates(scope, { status: 'pending' });
    expect(pending.map((c) => [c.local.key, c.remote.id, c.strategy]).sort()).toEqual([
      ['qc-3', '1002', 'fuzzyName'],
      ['qc-4', '1001', 'fuzzyName'],
    ]);
    expect(pending.every((c) => c.score >= 0.8 && c.score < 0.93)).toBe(true);
    expect(progress()).toMatchObject({ awaitingReview: 2, written: 4 });
    expect(await recordsAwaitingReview(scope, PIPELINE)).toBe(2);
    expect((await queryAudit(scope, { recordKey: 'qc-3' })).map((a) => a.action)).toEqual(['match.review']);

    // Every automatic match is listed for correction.
    const auto = await listCandidates(scope, { status: 'auto_linked' });
    expect(auto.map((c) => c.local.key).sort()).toEqual(['qc-1', 'qc-2', 'qc-5']);
  });

  it('a waiting record read again opens no second review: one audit entry, counted once', async () => {
    const waiting = await listCandidates(scope, { status: 'pending', localKey: 'qc-3' });
    // An edit the match does not depend on: the source reads qc-3 again, it still waits.
    await queast('companies').where({ id: 'qc-3' }).update({ employees: 12, updated_at: at(7) });
    await run();
    expect(await listCandidates(scope, { status: 'pending', localKey: 'qc-3' })).toEqual(waiting.map((c) => ({ ...c, updatedAt: expect.any(Number) })));
    expect((await queryAudit(scope, { recordKey: 'qc-3' })).map((a) => a.action)).toEqual(['match.review']);
    expect(progress()).toMatchObject({ awaitingReview: 2 });
    expect(await recordsAwaitingReview(scope, PIPELINE)).toBe(2);
  });

  it('an approved match links the pair, and the next poll updates that CRM record, without the record changing', async () => {
    const [candidate] = await listCandidates(scope, { status: 'pending', localKey: 'qc-3' });
    await approveCandidate(scope, candidate!.id, 'ops@example.com');
    const count = (await companies()).length;
    await run();
    expect(await companies()).toHaveLength(count);
    // The name is merge_with_audit with the CRM winning a conflict: HubSpot's spelling stays.
    expect(await company('1002')).toMatchObject({ queast_company_id: 'qc-3', industry: 'Consulting', name: 'Smalllytics' });
    expect(await linkOf('qc-3')).toMatchObject({ remote: { id: '1002' } });
    // Applied once: the next poll does not plan it again.
    expect(await unappliedDecisions(scope, PIPELINE, 10)).toEqual([]);
    expect(await recordsAwaitingReview(scope, PIPELINE)).toBe(1);
    expect((await queryAudit(scope, { recordKey: 'qc-3' })).map((a) => a.action)).toEqual(['match.review', 'merge.decision', 'write.intent', 'write.ok']);
  });

  it('a rejected match is never linked: the next poll creates the record', async () => {
    const [candidate] = await listCandidates(scope, { status: 'pending', localKey: 'qc-4' });
    await rejectCandidate(scope, candidate!.id, 'ops@example.com');
    const count = (await companies()).length;
    await run();
    expect(await companies()).toHaveLength(count + 1);
    const link = await linkOf('qc-4');
    expect(link).toBeDefined();
    expect(link!.remote.id).not.toBe('1001');
    expect((await company(link!.remote.id)).queast_company_id).toBe('qc-4');
    expect((await company('1001')).queast_company_id).toBe('qc-1');
  });

  it('never links a CRM record to a second local record: such matches wait for an operator, and nothing is written', async () => {
    const hooli = await hubspot<{ id: string }>(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Hooli', domain: 'hooli.io' } });
    const before = await companies();
    await queast('companies').insert([
      // Biglytics (1001) is linked to qc-1 already.
      { id: 'qc-7', name: 'Biglytics Europe', website: 'https://biglytics.net/eu', updated_at: at(40) },
      // Two records of one page find the same company.
      { id: 'qc-8', name: 'Hooli', website: 'https://hooli.io', updated_at: at(41) },
      { id: 'qc-9', name: 'Hooli XYZ', website: 'http://www.hooli.io/xyz', updated_at: at(42) },
    ]);
    await run();
    expect(await companies()).toHaveLength(before.length);
    for (const key of ['qc-7', 'qc-8', 'qc-9']) expect(await linkOf(key), key).toBeUndefined();
    expect((await company('1001')).queast_company_id).toBe('qc-1');
    expect((await company(hooli.id)).queast_company_id ?? null).toBeNull();
    const pending = (await listCandidates(scope, { status: 'pending' })).filter((c) => ['qc-7', 'qc-8', 'qc-9'].includes(c.local.key));
    expect(pending.map((c) => [c.local.key, c.remote.id, c.strategy]).sort()).toEqual([
      ['qc-7', '1001', 'domain'],
      ['qc-8', hooli.id, 'domain'],
      ['qc-9', hooli.id, 'domain'],
    ]);
    expect(pending.find((c) => c.local.key === 'qc-7')?.details).toMatchObject({ reason: 'already linked to qc-1' });
    expect(pending.find((c) => c.local.key === 'qc-8')?.details).toMatchObject({ reason: 'matched by several records of one page' });
  });

  it('a record whose external id a rejected CRM record still holds waits with a conflict item, instead of landing there again', async () => {
    // qc-2 was linked to Acme Widgets (1003) by its name and written there, queast id included.
    expect((await company('1003')).queast_company_id).toBe('qc-2');
    const [auto] = await listCandidates(scope, { status: 'auto_linked', localKey: 'qc-2' });
    await rejectCandidate(scope, auto!.id, 'ops@example.com');
    const before = await companies();
    await queast('companies').where({ id: 'qc-2' }).update({ employees: 451, updated_at: at(50) });
    await run();
    expect(await companies()).toHaveLength(before.length);
    expect(await company('1003')).toMatchObject({ queast_company_id: 'qc-2', numberofemployees: '450' });
    expect(await linkOf('qc-2')).toBeUndefined();
    const [item] = (await listReconciliationItems(scope, { status: 'open' })).filter((i) => i.recordKey === 'qc-2');
    expect(item).toMatchObject({ kind: 'conflict', field: 'queast_company_id', payload: { remoteId: '1003', reason: "hubspot.companies 1003 holds this record's queast_company_id, but an operator rejected it as this record's match" } });
  });
});
