/**
 * Identity matching against Salesforce through the shipped connector's SOQL searches: Queast
 * companies find the org's accounts by website domain (a URL in Salesforce, a URL in Queast) and
 * by fuzzy name, update what they matched by its id, and create the rest; every match is listed
 * for review. The simulator answers the SOQL; the state store is SQLite.
 */
import type { Knex } from 'knex';
import { loadProject } from '../../src/engine/project.js';
import { Runtime } from '../../src/engine/runtime.js';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../src/simulators/salesforce/index.js';
import { findLinkByLocal } from '../../src/state/links.js';
import { listCandidates } from '../../src/state/reviewQueue.js';
import { callJson } from '../conformance/support/http.js';
import { salesforceEnv } from '../support/salesforceEnv.js';
import { prepareBackend, type BackendUrls } from './support/backends.js';
import { createQueastCompanies, openLocal } from './support/localDb.js';

const SPECS = ['connectors/queast.yaml', 'connectors/salesforce.yaml', 'test/fixtures/salesforce/queast-accounts-salesforce.yaml'];
const PIPELINE = 'queast-accounts-salesforce';
const ACCOUNTS = { connector: 'salesforce', object: 'Account' };

describe('Queast companies matched to Salesforce accounts', () => {
  let urls: BackendUrls;
  let sim: RunningSalesforceSimulator;
  let queast: Knex;
  let runtime: Runtime;

  const accounts = async () => (await callJson<{ records: Array<Record<string, unknown>> }>(`${sim.url}/__admin/records/Account`)).records;
  const accountNamed = async (name: string) => (await accounts()).find((a) => a.Name === name) as Record<string, unknown>;

  beforeAll(async () => {
    urls = await prepareBackend('sqlite', 'syncd_sf_accounts');
    sim = await startSalesforceSimulator();
    queast = openLocal(urls.local);
    await createQueastCompanies(queast);
    // A sales rep gives the fixture account Acme Corporation its website (a host, as users type it).
    const acme = (await accounts()).find((a) => a.Name === 'Acme Corporation') as { Id: string };
    await callJson(`${sim.url}/__admin/records/Account/${acme.Id}`, { method: 'PATCH', body: { Website: 'https://www.acmecorp.com' } });
    await queast('companies').insert([
      { id: 'c-1', name: 'Acme Corp', website: 'https://acmecorp.com/about', industry: 'Technology', employees: 450, updated_at: '2026-03-01T10:00:00.000Z' },
      // The fixture account Initech has no website: found by its name.
      { id: 'c-2', name: 'Initech', website: null, industry: 'Banking', employees: 77, updated_at: '2026-03-01T10:00:01.000Z' },
      { id: 'c-3', name: 'Newco Labs', website: 'https://newco.io', industry: 'Education', employees: 12, updated_at: '2026-03-01T10:00:02.000Z' },
    ]);
    runtime = await Runtime.create({
      project: await loadProject(SPECS),
      store: urls.store,
      env: { QUEAST_DATABASE_URL: urls.local, ...salesforceEnv(sim), SYNCD_SECRET_KEY: urls.secretKey },
      retention: false,
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await queast?.destroy();
    await sim?.close();
    await urls?.cleanup();
  });

  it('updates the accounts found by domain and by name, creates the one with no match, and lists every match for review', async () => {
    const before = (await accounts()).length;
    const runner = runtime.runner(PIPELINE);
    expect(await runner.runOnce()).toBe(true);
    const scope = runtime.store.forTenant('default');

    const acme = await accountNamed('Acme Corporation');
    expect(acme).toMatchObject({ NumberOfEmployees: 450, Industry: 'Technology' });
    expect(await findLinkByLocal(scope, { object: 'queast.companies', key: 'c-1' }, ACCOUNTS)).toMatchObject({ strategy: 'domain', remote: { id: acme.Id } });

    const initech = await accountNamed('Initech');
    expect(initech).toMatchObject({ NumberOfEmployees: 77 });
    expect(await findLinkByLocal(scope, { object: 'queast.companies', key: 'c-2' }, ACCOUNTS)).toMatchObject({ strategy: 'fuzzyName', remote: { id: initech.Id } });

    const newco = await accountNamed('Newco Labs');
    expect(newco).toMatchObject({ Website: 'https://newco.io', Industry: 'Education', NumberOfEmployees: 12 });
    expect(await findLinkByLocal(scope, { object: 'queast.companies', key: 'c-3' }, ACCOUNTS)).toMatchObject({ remote: { id: newco.Id } });
    expect((await accounts()).length).toBe(before + 1);

    // Auto-linked matches are listed too, so an operator can correct them.
    const listed = await listCandidates(scope, { pipeline: PIPELINE });
    expect(listed.map((c) => [c.local.key, c.remote.id]).sort()).toEqual([
      ['c-1', acme.Id],
      ['c-2', initech.Id],
    ]);
  });
});
