/**
 * The inbound half of the Queast scenario through the real daemon (`node bin/syncd run`): a
 * CRM user marks a company as interesting, the simulator delivers its webhook to the daemon, and
 * the company is bookmarked in Queast, once, however often the mark is repeated. HubSpot signs its
 * deliveries (v3) to the app an operator set up; Pipedrive's webhook the daemon registers itself,
 * and its deliveries carry that subscription's HTTP Basic credentials. Needs the compiled CLI.
 */
import { existsSync } from 'node:fs';
import type { Knex } from 'knex';
import { tables } from '../../src/state/tables.js';
import { startHubspotSimulator } from '../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../src/simulators/kit/server.js';
import { callJson } from '../conformance/support/http.js';
import { freePort } from '../support/freePort.js';
import { PIPEDRIVE_WEBHOOK_PASSWORD, PIPEDRIVE_WEBHOOK_USER, startPipedriveAccount, type PipedriveAccount } from '../support/pipedriveAccount.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { listeningUrl, startDaemon, waitFor, type Daemon } from './support/daemon.js';
import { hubspot, hubspotEnv } from './support/hubspot.js';
import { createQueastBookmarks, openLocal } from './support/localDb.js';

const SPECS = ['connectors/queast.yaml', 'connectors/hubspot.yaml', 'connectors/pipedrive.yaml', 'pipelines/hubspot-interest-queast.yaml', 'pipelines/pipedrive-interest-queast.yaml'];
const HUBSPOT_APP = 1234567;
const HUBSPOT_DEVELOPER_KEY = 'sim-developer-hapikey';

interface Bookmark {
  company_id: string;
  source: string;
}

describe.each(backends)('CRM interest becomes a Queast bookmark (%s store)', (backend: Backend) => {
  let urls: BackendUrls;
  let hub: RunningSimulator;
  let pipedrive: PipedriveAccount;
  let queast: Knex;
  let daemon: Daemon;
  let daemonUrl: string;

  /** The daemon's state store, where the test counts inbox events and writes. */
  let store: Knex;
  const rows = async (query: Knex.QueryBuilder): Promise<number> => Number(((await query.count({ n: '*' })) as Array<{ n: number | string }>)[0]?.n ?? 0);
  const doneEvents = (connection: string) => rows(store(tables.webhookInbox).where({ connection, status: 'done' }));
  const writes = (pipeline: string) => rows(store(tables.outbox).where({ pipeline }).whereNot({ status: 'superseded' }));
  /** The pipeline's links: the bookmark row each CRM company is bound to. */
  const links = async (pipeline: string) => (await store(tables.links).where({ pipeline }).select('local_key', 'remote_id').orderBy('id')) as Array<{ local_key: string; remote_id: string }>;
  const bookmarks = async (): Promise<Bookmark[]> => (await queast('bookmarks').select('company_id', 'source').orderBy('company_id')) as Bookmark[];
  const hubspotCompany = async (properties: Record<string, string>): Promise<string> => (await hubspot<{ id: string }>(hub, 'POST', '/crm/v3/objects/companies', { properties })).id;
  const markHubspot = (id: string, value: boolean) => hubspot(hub, 'PATCH', `/crm/v3/objects/companies/${id}`, { properties: { queast_interesting: String(value) } });
  const pipedriveCall = <T>(method: string, route: string, body?: unknown) =>
    callJson<T>(`${pipedrive.sim.url}${route}`, { method, headers: { 'x-api-token': pipedrive.sim.apiToken }, ...(body === undefined ? {} : { body }) });
  const pipedriveOrganization = async (fields: Record<string, unknown>): Promise<number> => (await pipedriveCall<{ data: { id: number } }>('POST', '/api/v2/organizations', fields)).data.id;
  const markPipedrive = (id: number, value: boolean) =>
    pipedriveCall('PATCH', `/api/v2/organizations/${id}`, { custom_fields: { [pipedrive.env.PIPEDRIVE_FIELD_ORG_INTERESTING as string]: value ? 'true' : 'false' } });

  beforeAll(async () => {
    if (!existsSync('dist/cli/main.js')) throw new Error('the compiled CLI is missing: run `npm run build` first');
    urls = await prepareBackend(backend, 'syncd_interest');
    queast = openLocal(urls.local);
    await createQueastBookmarks(queast);
    hub = await startHubspotSimulator({ seed: 11 });
    for (const p of [
      { name: 'queast_company_id', type: 'string', fieldType: 'text', hasUniqueValue: true, label: 'Queast company id', groupName: 'companyinformation' },
      { name: 'queast_interesting', type: 'bool', fieldType: 'booleancheckbox', label: 'Interesting', groupName: 'companyinformation' },
    ])
      await hubspot(hub, 'POST', '/crm/v3/properties/companies', p);
    pipedrive = await startPipedriveAccount();
    // HubSpot signs the URL it calls, so the daemon is told it (`--public-url`) and listens there.
    const port = await freePort();
    daemon = startDaemon(urls, { QUEAST_DATABASE_URL: urls.local, ...hubspotEnv(hub), ...pipedrive.env }, ['--public-url', `http://127.0.0.1:${port}/`], SPECS, port);
    daemonUrl = await listeningUrl(daemon);
    store = openLocal(urls.store);
    // What an operator sets up in the HubSpot developer portal: the app's target URL and a
    // subscription to changes of the property.
    const dev = `/webhooks/v3/${HUBSPOT_APP}`;
    const key = `?hapikey=${HUBSPOT_DEVELOPER_KEY}`;
    await callJson(`${hub.url}${dev}/settings${key}`, { method: 'PUT', body: { targetUrl: `${daemonUrl}/webhooks/default/hubspot`, throttling: { maxConcurrentRequests: 5, period: 'SECONDLY' } } });
    await callJson(`${hub.url}${dev}/subscriptions${key}`, { method: 'POST', body: { eventType: 'company.propertyChange', propertyName: 'queast_interesting', active: true } });
    // Pipedrive's webhook the daemon registers itself (`webhooks.subscribe`), with the
    // credentials the connector verifies.
    await waitFor('the Pipedrive webhook', () => /webhook subscriptions of default\/pipedrive: 1 created \(change\.organization\)/.test(daemon.stderr()), 20_000, daemon);
    const hooks = (await pipedriveCall<{ data: Array<{ name: string; subscription_url: string; event_action: string; event_object: string; http_auth_user: string; http_auth_password: string }> }>('GET', '/v1/webhooks')).data;
    expect(hooks).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^syncd default\/pipedrive change\.organization \S+$/),
        subscription_url: `http://127.0.0.1:${port}/webhooks/default/pipedrive`,
        event_action: 'change',
        event_object: 'organization',
        http_auth_user: PIPEDRIVE_WEBHOOK_USER,
        http_auth_password: PIPEDRIVE_WEBHOOK_PASSWORD,
      }),
    ]);
    await waitFor('the registration logged', () => daemon.stdout().includes('webhook_subscriptions_reconciled'), 10_000, daemon);
    const logged = daemon.stdout().split('\n').filter((l) => l.includes('webhook_subscriptions_reconciled')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toEqual([expect.objectContaining({ event: 'integration.crm.webhook_subscriptions_reconciled', tenant: 'default', connection: 'pipedrive', created: 1, kept: 0, deleted: 0 })]);
  }, 60_000);

  afterAll(async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    // The webhook password went to Pipedrive in the registration, and nowhere else.
    if (daemon) expect(daemon.stdout() + daemon.stderr()).not.toContain(PIPEDRIVE_WEBHOOK_PASSWORD);
    await store?.destroy();
    await queast?.destroy();
    await hub?.close();
    await pipedrive?.sim.close();
    await urls?.cleanup();
  });

  it('bookmarks a HubSpot company once, however often it is marked', { timeout: 60_000 }, async () => {
    const acme = await hubspotCompany({ name: 'Acme', domain: 'acme.example', queast_company_id: 'q-acme' });
    // A company Queast does not know: HubSpot reads its unset `queast_company_id` as null.
    const stray = await hubspotCompany({ name: 'Not from Queast', domain: 'stray.example' });
    await markHubspot(stray, true);
    await markHubspot(acme, true);
    await waitFor('the HubSpot bookmark', async () => (await bookmarks()).some((b) => b.company_id === 'q-acme'), 30_000, daemon);
    // Unmarked and marked again: each delivery is taken in, and nothing new is written.
    await markHubspot(acme, false);
    await markHubspot(acme, true);
    await waitFor('four HubSpot events processed', async () => (await doneEvents('hubspot')) >= 4, 30_000, daemon);
    expect(await bookmarks()).toEqual([{ company_id: 'q-acme', source: 'hubspot' }]);
    expect(await writes('hubspot-interest-queast')).toBe(1);
    // Bound to the row it wrote (the bookmarks table's key), not to a row named by its HubSpot id.
    expect(await links('hubspot-interest-queast')).toEqual([{ local_key: 'q-acme', remote_id: acme }]);
  });

  it('bookmarks a Pipedrive organization once, from deliveries with its webhook credentials', { timeout: 60_000 }, async () => {
    const globex = await pipedriveOrganization({ name: 'Globex', custom_fields: { [pipedrive.env.PIPEDRIVE_FIELD_ORG_QUEAST_ID as string]: 'q-globex' } });
    // An organization Queast does not know: its unset custom field arrives as null.
    const stray = await pipedriveOrganization({ name: 'Not from Queast' });
    await markPipedrive(stray, true);
    await markPipedrive(globex, true);
    await waitFor('the Pipedrive bookmark', async () => (await bookmarks()).some((b) => b.company_id === 'q-globex'), 30_000, daemon);
    await markPipedrive(globex, false);
    await markPipedrive(globex, true);
    await waitFor('four Pipedrive events processed', async () => (await doneEvents('pipedrive')) >= 4, 30_000, daemon);
    expect((await bookmarks()).filter((b) => b.source === 'pipedrive')).toEqual([{ company_id: 'q-globex', source: 'pipedrive' }]);
    expect(await writes('pipedrive-interest-queast')).toBe(1);
    expect(await links('pipedrive-interest-queast')).toEqual([{ local_key: 'q-globex', remote_id: String(globex) }]);

    // A duplicate organization naming the same Queast company (Pipedrive fields are not unique):
    // an identity conflict for an operator, not a second binding of the bookmark.
    const copy = await pipedriveOrganization({ name: 'Globex (copy)', custom_fields: { [pipedrive.env.PIPEDRIVE_FIELD_ORG_QUEAST_ID as string]: 'q-globex' } });
    await markPipedrive(copy, true);
    await waitFor('the duplicate processed', async () => (await doneEvents('pipedrive')) >= 5, 30_000, daemon);
    const items = (await store(tables.reconciliation).where({ pipeline: 'pipedrive-interest-queast', status: 'open' }).select('kind', 'record_key', 'payload')) as Array<{ kind: string; record_key: string; payload: string | Record<string, unknown> }>;
    expect(items.map((i) => ({ kind: i.kind, key: i.record_key, payload: typeof i.payload === 'string' ? JSON.parse(i.payload) : i.payload }))).toEqual([
      { kind: 'conflict', key: 'q-globex', payload: expect.objectContaining({ stage: 'identity', remoteId: String(copy), linkedTo: String(globex) }) },
    ]);
    expect(await links('pipedrive-interest-queast')).toEqual([{ local_key: 'q-globex', remote_id: String(globex) }]);
    expect(await writes('pipedrive-interest-queast')).toBe(1);
  });
});
