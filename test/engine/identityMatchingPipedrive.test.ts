/**
 * Identity matching against Pipedrive with the shipped Queast → Pipedrive organizations pipeline:
 * an organization Pipedrive already has is found by its name and patched (custom Queast id set),
 * a new one is created, and a name in the review band waits for an operator.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import type { Scope } from '../../src/state/scope.js';
import { findLinkByLocal } from '../../src/state/links.js';
import { listCandidates } from '../../src/state/reviewQueue.js';
import { callJson } from '../conformance/support/http.js';
import { startPipedriveAccount, type PipedriveAccount } from '../support/pipedriveAccount.js';
import { createQueastCompanies, openLocal } from './support/localDb.js';
import { prepareBackend, type BackendUrls } from './support/backends.js';

const SPECS = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', 'pipelines/queast-companies-pipedrive.yaml'];
const PIPELINE = 'queast-companies-pipedrive';

interface Organization {
  id: number;
  name: string;
  custom_fields: Record<string, unknown>;
}

describe('identity matching against Pipedrive', () => {
  let urls: BackendUrls;
  let account: PipedriveAccount;
  let queast: Knex;
  let runtime: Runtime;
  let scope: Scope;
  const ids: Record<string, number> = {};

  const organizations = async () => (await callJson<{ organizations: Organization[] }>(`${account.sim.url}/__admin/state`)).organizations;
  const queastIdOf = (o: Organization | undefined) => o?.custom_fields[account.env.PIPEDRIVE_FIELD_ORG_QUEAST_ID as string] ?? null;

  beforeAll(async () => {
    urls = await prepareBackend('sqlite', 'identity-pipedrive');
    account = await startPipedriveAccount();
    for (const name of ['Acme Widgets', 'Smalllytics']) {
      const { data } = await callJson<{ data: { id: number } }>(`${account.sim.url}/api/v2/organizations`, { method: 'POST', headers: { 'x-api-token': account.sim.apiToken }, body: { name } });
      ids[name] = data.id;
    }
    queast = openLocal(urls.local);
    await createQueastCompanies(queast);
    // The pipeline's fuzzyName rule keeps the default thresholds: linked from 0.92, reviewed from 0.75.
    await queast('companies').insert([
      { id: 'qc-1', name: 'Acme Widgets GmbH', website: 'https://acme-widgets.de', updated_at: '2026-05-01T09:01:00.000Z' },
      { id: 'qc-2', name: 'Smalllytics Labs', updated_at: '2026-05-01T09:02:00.000Z' },
      { id: 'qc-3', name: 'Umbrella Research', website: 'https://umbrella.com', updated_at: '2026-05-01T09:03:00.000Z' },
    ]);
    runtime = await Runtime.create({ project: await loadProject(SPECS), store: urls.store, env: { QUEAST_DATABASE_URL: urls.local, SYNCD_SECRET_KEY: urls.secretKey, ...account.env } });
    scope = runtime.store.forTenant('default');
  });

  afterAll(async () => {
    await runtime?.close();
    await queast?.destroy();
    await account?.sim.close();
    await urls?.cleanup();
  });

  it('patches the organization Pipedrive has, creates the new one, and holds back the uncertain one', async () => {
    const before = await organizations();
    const runner = runtime.runners.find((r) => r.progress.pipeline === PIPELINE);
    expect(await runner?.runOnce()).toBe(true);
    const after = await organizations();
    expect(after).toHaveLength(before.length + 1);

    const acme = after.find((o) => o.id === ids['Acme Widgets']);
    expect(queastIdOf(acme)).toBe('qc-1');
    // The name is merge_with_audit with the CRM winning a conflict.
    expect(acme?.name).toBe('Acme Widgets');
    expect(await findLinkByLocal(scope, { object: 'queast.companies', key: 'qc-1' }, { connector: 'pipedrive', object: 'organizations' })).toMatchObject({
      remote: { id: String(ids['Acme Widgets']) },
      strategy: 'fuzzyName',
    });
    expect(after.filter((o) => queastIdOf(o) === 'qc-3').map((o) => o.name)).toEqual(['Umbrella Research']);

    expect(queastIdOf(after.find((o) => o.id === ids.Smalllytics))).toBeNull();
    const pending = await listCandidates(scope, { status: 'pending' });
    expect(pending.map((c) => [c.local.key, c.remote.id])).toEqual([['qc-2', String(ids.Smalllytics)]]);
    expect(runner?.progress).toMatchObject({ awaitingReview: 1, written: 2 });
  });
});
