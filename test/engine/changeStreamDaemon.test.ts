/**
 * `syncd run` with the Salesforce change-stream pipeline, as a child process: it says the stream
 * is connected, an opportunity edited in Salesforce reaches its quote without a poll, a dropped
 * stream is reported and reopened, and neither its output nor its JSON logs carry the planted
 * OAuth secrets or any access token. Needs the compiled CLI.
 */
import { callJson } from '../conformance/support/http.js';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../src/simulators/salesforce/index.js';
import { prepareBackend, type BackendUrls } from './support/backends.js';
import { listeningUrl, startDaemon, waitFor, type Daemon } from './support/daemon.js';
import { createQuoteyQuotes, openLocal } from './support/localDb.js';
import { salesforceEnv } from '../support/salesforceEnv.js';

const SPECS = ['connectors/quotey.yaml', 'connectors/salesforce.yaml', 'pipelines/salesforce-opportunity-changes-quotey.yaml'];
const CLIENT_SECRET = 'planted-client-secret-3b9e1c';
const REFRESH_TOKEN = '5Aep861planted.refresh.token.77c2';

describe('syncd run with a Salesforce change stream', () => {
  let urls: BackendUrls;
  let sim: RunningSalesforceSimulator;
  let daemon: Daemon;

  beforeAll(async () => {
    urls = await prepareBackend('sqlite', 'syncd_change_daemon');
    const quotey = openLocal(urls.local);
    await createQuoteyQuotes(quotey);
    await quotey('quotes').insert({ id: 'Q-7', version: 1, title: 'Fleet renewal', state: 'sent', total: 1000, currency: 'EUR', updated_at: '2026-03-01T10:00:00.000Z' });
    await quotey.destroy();
    sim = await startSalesforceSimulator({ config: { clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, rotateRefreshTokens: true } });
  });

  afterAll(async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    await sim?.close();
    await urls?.cleanup();
  });

  it('follows the stream, reconnects after a drop, and keeps the secrets out of what it prints', { timeout: 60_000 }, async () => {
    daemon = startDaemon(
      urls,
      {
        QUOTEY_DATABASE_URL: urls.local,
        ...salesforceEnv(sim, { clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN }),
      },
      [],
      SPECS,
    );
    await waitFor('the stream to connect', () => daemon.stderr().includes('change stream default/salesforce Opportunity: connected, from now on'), 20_000, daemon);
    const quote = async () => {
      const db = openLocal(urls.local);
      try {
        return (await db('quotes').where({ id: 'Q-7' }).first()) as Record<string, unknown>;
      } finally {
        await db.destroy();
      }
    };
    const admin = <T>(method: string, route: string, body?: unknown) => callJson<T>(`${sim.url}/__admin/${route}`, { method, ...(body === undefined ? {} : { body }) });
    const opportunity = (await admin<{ Id: string }>('POST', 'records/Opportunity', { Name: 'Fleet renewal', StageName: 'Prospecting', CloseDate: '2026-05-31', Quotey_Quote_Id__c: 'Q-7' })).Id;
    await waitFor('the stage', async () => (await quote()).deal_stage === 'Prospecting', 15_000, daemon);

    expect(sim.pubSub.dropStreams()).toBe(1);
    await waitFor('the reconnect', () => /change stream default\/salesforce Opportunity: .*UNAVAILABLE.*; reconnecting in \d+s/.test(daemon.stderr()), 10_000, daemon);
    await admin('PATCH', `records/Opportunity/${opportunity}`, { StageName: 'Closed Won' });
    await waitFor('the stage after the drop', async () => (await quote()).deal_stage === 'Closed Won', 15_000, daemon);

    const metrics = await (await fetch(`${await listeningUrl(daemon)}/metrics`)).text();
    const labels = 'tenant="default",connector="salesforce",object="Opportunity"';
    expect(metrics).toContain(`syncd_change_stream_up{${labels}} 1`);
    expect(metrics).toMatch(new RegExp(`syncd_change_events_received_total\\{${labels},outcome="stored"\\} 2`));
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    const logs = daemon.stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event?: string });
    expect(logs.map((l) => l.event)).toEqual(expect.arrayContaining(['integration.crm.change_stream_connected', 'integration.crm.change_stream_disconnected']));
    const printed = daemon.stdout() + daemon.stderr();
    for (const secret of [CLIENT_SECRET, REFRESH_TOKEN]) expect(printed).not.toContain(secret);
    // Salesforce access tokens start with the org id and `!`.
    expect(printed).not.toContain(`${sim.config.orgId.slice(0, 15)}!`);
    expect(daemon.stderr()).not.toMatch(/\n\s+at /);
  });
});
