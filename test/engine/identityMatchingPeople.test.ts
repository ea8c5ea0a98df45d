/**
 * People by e-mail and LinkedIn page, with the shipped Queast → HubSpot contacts pipeline: a person
 * HubSpot already has (its e-mail is unique there, so creating it again would be refused) is
 * found and updated; one known by a LinkedIn page in another form is too; a new person is created.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import { startHubspotSimulator } from '../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../src/simulators/kit/server.js';
import { findLinkByLocal } from '../../src/state/links.js';
import { createQueastPeople, openLocal } from './support/localDb.js';
import { hubspot, hubspotEnv } from './support/hubspot.js';
import { prepareBackend, type BackendUrls } from './support/backends.js';

const SPECS = ['connectors/queast.yaml', 'connectors/hubspot.yaml', 'pipelines/queast-people-hubspot.yaml'];

describe('identity matching of people against HubSpot contacts', () => {
  let urls: BackendUrls;
  let sim: RunningSimulator;
  let queast: Knex;
  let runtime: Runtime;
  let grace: string;

  const contact = async (id: string) => (await hubspot<{ properties: Record<string, string | null> }>(sim, 'GET', `/__admin/records/contacts/${id}`)).properties;
  const contacts = async () => (await hubspot<{ results: unknown[] }>(sim, 'GET', '/crm/v3/objects/contacts?limit=100')).results;

  beforeAll(async () => {
    urls = await prepareBackend('sqlite', 'identity-people');
    sim = await startHubspotSimulator({ seed: 5 });
    await hubspot(sim, 'POST', '/crm/v3/properties/contacts', { name: 'queast_person_id', label: 'Queast person', type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true });
    grace = (await hubspot<{ id: string }>(sim, 'POST', '/crm/v3/objects/contacts', { properties: { firstname: 'Grace', lastname: 'Hopper', hs_linkedin_url: 'https://www.linkedin.com/in/gracehopper' } })).id;
    queast = openLocal(urls.local);
    await createQueastPeople(queast);
    await queast('people').insert([
      // The simulator's fixture contact Bryan Cooper (2001), with the address typed differently.
      { id: 'qp-1', first_name: 'Bryan', last_name: 'Cooper', email: ' BCooper@Biglytics.net', title: 'VP Data', updated_at: '2026-05-01T09:01:00.000Z' },
      { id: 'qp-2', first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.example', linkedin_url: 'linkedin.com/in/GraceHopper/', updated_at: '2026-05-01T09:02:00.000Z' },
      { id: 'qp-3', first_name: 'Katherine', last_name: 'Johnson', email: 'kj@nasa.example', updated_at: '2026-05-01T09:03:00.000Z' },
    ]);
    runtime = await Runtime.create({ project: await loadProject(SPECS), store: urls.store, env: { QUEAST_DATABASE_URL: urls.local, SYNCD_SECRET_KEY: urls.secretKey, ...hubspotEnv(sim) } });
  });

  afterAll(async () => {
    await runtime?.close();
    await queast?.destroy();
    await sim?.close();
    await urls?.cleanup();
  });

  it('updates the contacts HubSpot has, found by e-mail and by LinkedIn page, and creates the new one', async () => {
    const before = await contacts();
    const runner = runtime.runners.find((r) => r.progress.pipeline === 'queast-people-hubspot');
    expect(await runner?.runOnce()).toBe(true);
    expect(await contacts()).toHaveLength(before.length + 1);
    const scope = runtime.store.forTenant('default');
    const linkOf = (key: string) => findLinkByLocal(scope, { object: 'queast.people', key }, { connector: 'hubspot', object: 'contacts' });
    expect(await linkOf('qp-1')).toMatchObject({ remote: { id: '2001' }, strategy: 'email' });
    expect(await contact('2001')).toMatchObject({ queast_person_id: 'qp-1', jobtitle: 'VP Data', email: 'bcooper@biglytics.net' });
    expect(await linkOf('qp-2')).toMatchObject({ remote: { id: grace }, strategy: 'linkedin' });
    expect(await contact(grace)).toMatchObject({ queast_person_id: 'qp-2', email: 'grace@navy.example' });
    expect((await linkOf('qp-3'))?.strategy).toBe('external_id');
    expect(runner?.progress).toMatchObject({ written: 3, awaitingReview: 0, failed: 0 });
  });
});
