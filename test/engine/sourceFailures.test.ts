/**
 * A source whose polls keep failing says so in `syncd status`: the shipped Queast → HubSpot
 * companies pipeline against a HubSpot account that lacks the custom property it matches on
 * (`queast_company_id`), the most likely misconfiguration. HubSpot refuses the search, nothing is
 * created, and status shows since when and why; once the property exists, the next poll syncs and
 * the failure is gone.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import { startHubspotSimulator } from '../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../src/simulators/kit/server.js';
import { listSourceFailures } from '../../src/state/sourceFailures.js';
import { runStatus } from '../../src/cli/commands/operator.js';
import { createQueastCompanies, openLocal } from './support/localDb.js';
import { hubspot, hubspotEnv } from './support/hubspot.js';
import { backends, prepareBackend, type BackendUrls } from './support/backends.js';

const SPECS = ['connectors/queast.yaml', 'connectors/hubspot.yaml', 'pipelines/queast-companies-hubspot.yaml'];
const PIPELINE = 'queast-companies-hubspot';

describe.each(backends)('a failing source on %s', (backend) => {
  let urls: BackendUrls;
  let sim: RunningSimulator;
  let queast: Knex;
  let runtime: Runtime;

  const runOnce = async (): Promise<boolean> => {
    const runner = runtime.runner(PIPELINE);
    return runner.runOnce();
  };
  const status = async (): Promise<string> => {
    let out = '';
    expect(await runStatus({ store: urls.store, tenant: 'default', json: false, pipeline: PIPELINE }, { out: (t) => void (out += t), err: () => undefined })).toBe(0);
    return out;
  };
  const companies = async () => (await hubspot<{ results: unknown[] }>(sim, 'GET', '/crm/v3/objects/companies?limit=100')).results.length;

  beforeAll(async () => {
    urls = await prepareBackend(backend, `source_failure_${backend}`);
    sim = await startHubspotSimulator({ seed: 11 });
    queast = openLocal(urls.local);
    await createQueastCompanies(queast);
    await queast('companies').insert([{ id: 'qc-1', name: 'Umbrella Research', website: 'https://umbrella.example', updated_at: '2026-05-01T09:00:00Z' }]);
    runtime = await Runtime.create({
      project: await loadProject(SPECS),
      store: urls.store,
      env: { QUEAST_DATABASE_URL: urls.local, ...hubspotEnv(sim), SYNCD_SECRET_KEY: urls.secretKey },
      onError: () => undefined,
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await queast?.destroy();
    await sim?.close();
    await urls?.cleanup();
  });

  it('records each failed poll with HubSpot’s reason, creates nothing, and shows it in syncd status', async () => {
    const before = await companies();
    expect(await runOnce()).toBe(false);
    expect(await runOnce()).toBe(false);
    expect(await companies()).toBe(before);
    const [failure] = await listSourceFailures(runtime.store.forTenant('default'));
    expect(failure).toMatchObject({ pipeline: PIPELINE, failures: 2 });
    expect(failure?.error).toContain('queast_company_id does not exist');
    const text = await status();
    expect(text).toContain(`source of ${PIPELINE} (`);
    expect(text).toContain('2 poll(s) in a row; last error:');
    expect(text).toContain('queast_company_id does not exist');
  });

  it('the next poll after the fix syncs the record and clears the failure', async () => {
    await hubspot(sim, 'POST', '/crm/v3/properties/companies', { name: 'queast_company_id', label: 'Queast id', type: 'string', fieldType: 'text', hasUniqueValue: true, groupName: 'companyinformation' });
    const before = await companies();
    expect(await runOnce()).toBe(true);
    expect(await companies()).toBe(before + 1);
    expect(await listSourceFailures(runtime.store.forTenant('default'))).toEqual([]);
    expect(await status()).not.toContain('failing since');
  });
});
