/**
 * `syncd run` without `--public-url` has no address to register webhook subscriptions at: it says
 * so, registers nothing, and runs on. Needs the compiled CLI.
 */
import { callJson } from '../conformance/support/http.js';
import { startPipedriveAccount, type PipedriveAccount } from '../support/pipedriveAccount.js';
import { prepareBackend, type BackendUrls } from './support/backends.js';
import { listeningUrl, startDaemon, waitFor, type Daemon } from './support/daemon.js';
import { createQueastBookmarks, openLocal } from './support/localDb.js';

const SPECS = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', 'pipelines/pipedrive-interest-queast.yaml'];

describe('syncd run without --public-url', () => {
  let urls: BackendUrls;
  let pipedrive: PipedriveAccount;
  let daemon: Daemon;

  beforeAll(async () => {
    urls = await prepareBackend('sqlite', 'syncd_no_public_url');
    const queast = openLocal(urls.local);
    await createQueastBookmarks(queast);
    await queast.destroy();
    pipedrive = await startPipedriveAccount();
  });

  afterAll(async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    await pipedrive?.sim.close();
    await urls?.cleanup();
  });

  it('says the subscriptions are not registered and how to register them, and keeps running', { timeout: 30_000 }, async () => {
    daemon = startDaemon(urls, { QUEAST_DATABASE_URL: urls.local, ...pipedrive.env }, [], SPECS);
    const base = await listeningUrl(daemon);
    await waitFor('the hint', () => daemon.stderr().includes('webhook subscriptions of pipedrive are not registered: pass --public-url'), 10_000, daemon);
    expect((await callJson<{ status: string }>(`${base}/healthz`)).status).toBe('ok');
    const hooks = await callJson<{ data: unknown[] }>(`${pipedrive.sim.url}/v1/webhooks`, { headers: { 'x-api-token': pipedrive.sim.apiToken } });
    expect(hooks.data).toEqual([]);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.stderr()).not.toMatch(/\n\s+at /);
  });
});
