/**
 * syncd registers its own Pipedrive webhooks (`webhooks.subscribe` in connectors/pipedrive.yaml)
 * against the simulator's `/v1/webhooks`: created once, kept across restarts, replaced when the
 * public URL or the credentials change, and never touching subscriptions that are not its own.
 * Leases keep workers sharing a store from registering one twice (both stores).
 */
import { loadProject } from '../../src/engine/project.js';
import { Runtime } from '../../src/engine/runtime.js';
import { reconcileSubscriptions, type SubscriptionOutcome } from '../../src/engine/webhookSubscriptions.js';
import { ConnectorError } from '../../src/connectors/errors.js';
import { callJson } from '../conformance/support/http.js';
import { PIPEDRIVE_WEBHOOK_PASSWORD, startPipedriveAccount, type PipedriveAccount } from '../support/pipedriveAccount.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { waitFor } from './support/daemon.js';

const SPECS = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', 'pipelines/pipedrive-interest-queast.yaml'];
const URL_A = 'https://syncd.example.com';

interface Hook {
  id: number;
  name: string;
  subscription_url: string;
  event_action: string;
  event_object: string;
  http_auth_user: string | null;
  http_auth_password: string | null;
}

describe.each(backends)('Pipedrive webhook subscriptions (%s store)', (backend: Backend) => {
  let urls: BackendUrls;
  let account: PipedriveAccount;
  const runtimes: Runtime[] = [];

  const call = <T>(method: string, route: string, body?: unknown) =>
    callJson<T>(`${account.sim.url}${route}`, { method, headers: { 'x-api-token': account.sim.apiToken }, ...(body === undefined ? {} : { body }) });
  const hooks = async (): Promise<Hook[]> => (await call<{ data: Hook[] }>('GET', '/v1/webhooks')).data;
  const runtime = async (opts: { env?: Record<string, string>; tenants?: string[]; worker?: string } = {}): Promise<Runtime> => {
    const rt = await Runtime.create({
      project: await loadProject(SPECS),
      store: urls.store,
      env: { QUEAST_DATABASE_URL: urls.local, SYNCD_SECRET_KEY: urls.secretKey, ...account.env, ...opts.env },
      ...(opts.tenants ? { tenants: opts.tenants } : {}),
      ...(opts.worker ? { worker: opts.worker } : {}),
    });
    runtimes.push(rt);
    return rt;
  };
  const reconcile = async (rt: Runtime, url = URL_A): Promise<SubscriptionOutcome[]> => {
    const out: SubscriptionOutcome[] = [];
    for (const t of rt.subscriptionTargets(url)) out.push(await reconcileSubscriptions(t));
    return out;
  };
  const operatorHook = () =>
    call('POST', '/v1/webhooks', { name: 'sales team alerts', subscription_url: 'https://alerts.example.com/pd', event_action: '*', event_object: 'deal', version: '2.0' });

  beforeEach(async () => {
    urls = await prepareBackend(backend, 'syncd_subscriptions');
    account = await startPipedriveAccount({ config: { webhooks: { maxPerUser: 3 } } });
  });

  afterEach(async () => {
    for (const rt of runtimes.splice(0)) await rt.close();
    await account.sim.close();
    await urls.cleanup();
  });

  it('registers one webhook per event with the verified credentials, and keeps it on the next start', async () => {
    await operatorHook();
    const [first] = await reconcile(await runtime());
    expect(first).toEqual({ tenant: 'default', connection: 'pipedrive', kept: [], created: ['change.organization'], deleted: 0 });
    const registered = await hooks();
    expect(registered.map((h) => h.name)).toEqual(['sales team alerts', expect.stringMatching(/^syncd default\/pipedrive change\.organization \S+$/)]);
    expect(registered[1]).toMatchObject({
      subscription_url: `${URL_A}/webhooks/default/pipedrive`,
      event_action: 'change',
      event_object: 'organization',
      http_auth_user: account.env.PIPEDRIVE_WEBHOOK_USER,
      http_auth_password: PIPEDRIVE_WEBHOOK_PASSWORD,
    });
    // A restart (a new runtime on the same store) finds it and creates nothing.
    const [again] = await reconcile(await runtime());
    expect(again).toEqual({ tenant: 'default', connection: 'pipedrive', kept: ['change.organization'], created: [], deleted: 0 });
    expect(await hooks()).toEqual(registered);
  });

  it('replaces its webhook when the public URL or the password changes, leaving others alone', async () => {
    await operatorHook();
    await reconcile(await runtime());
    const [moved] = await reconcile(await runtime(), 'https://syncd-new.example.com');
    expect(moved).toMatchObject({ created: ['change.organization'], deleted: 1 });
    let ours = (await hooks()).filter((h) => h.name.startsWith('syncd '));
    expect(ours.map((h) => h.subscription_url)).toEqual(['https://syncd-new.example.com/webhooks/default/pipedrive']);

    const [rotated] = await reconcile(await runtime({ env: { PIPEDRIVE_WEBHOOK_PASSWORD: 'rotated-password-91c2' } }), 'https://syncd-new.example.com');
    expect(rotated).toMatchObject({ created: ['change.organization'], deleted: 1 });
    ours = (await hooks()).filter((h) => h.name.startsWith('syncd '));
    expect(ours.map((h) => h.http_auth_password)).toEqual(['rotated-password-91c2']);
    // The password is in no name: only a fingerprint of it.
    expect(ours[0]?.name).not.toContain('rotated-password-91c2');
    expect((await hooks()).map((h) => h.name)).toContain('sales team alerts');
  });

  it("keeps each tenant's webhook apart and removes a duplicate of its own", async () => {
    const [defaultTenant, acme] = await reconcile(await runtime({ tenants: ['default', 'acme'] }));
    expect([defaultTenant?.created, acme?.created]).toEqual([['change.organization'], ['change.organization']]);
    const urlsByName = (await hooks()).map((h) => h.subscription_url);
    expect(urlsByName).toEqual([`${URL_A}/webhooks/default/pipedrive`, `${URL_A}/webhooks/acme/pipedrive`]);
    // A copy of default's webhook (a crash between create and the next listing, another worker
    // without a shared store) would deliver every event twice.
    const copy = (await hooks())[0] as Hook;
    await call('POST', '/v1/webhooks', { name: copy.name, subscription_url: copy.subscription_url, event_action: 'change', event_object: 'organization', version: '2.0' });
    const [onlyDefault] = await reconcile(await runtime());
    expect(onlyDefault).toEqual({ tenant: 'default', connection: 'pipedrive', kept: ['change.organization'], created: [], deleted: 1 });
    expect((await hooks()).map((h) => h.subscription_url)).toEqual([`${URL_A}/webhooks/default/pipedrive`, `${URL_A}/webhooks/acme/pipedrive`]);
  });

  it('reports a refused registration without its credentials, and registers once the vendor accepts', async () => {
    // The simulated account allows 3 webhooks per user; the operator uses all of them.
    for (let i = 0; i < 3; i++) await operatorHook();
    const rt = await runtime();
    const refused = await reconcile(rt).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect((refused as ConnectorError).message).toMatch(/at most 3 webhooks/);
    expect(JSON.stringify({ message: (refused as ConnectorError).message, vendor: (refused as ConnectorError).vendorMessage })).not.toContain(PIPEDRIVE_WEBHOOK_PASSWORD);

    const errors: string[] = [];
    const outcomes: SubscriptionOutcome[] = [];
    const keeper = rt.keepWebhookSubscriptions(URL_A, { retryMs: 50, onOutcome: (o) => outcomes.push(o), onError: (_t, err) => errors.push(String(err)) });
    try {
      await waitFor('a refused attempt', () => errors.length > 0, 10_000);
      const [oldest] = await hooks();
      await call('DELETE', `/v1/webhooks/${(oldest as Hook).id}`);
      await waitFor('the registration after a retry', () => outcomes.length > 0, 10_000);
    } finally {
      await keeper.stop();
    }
    expect(outcomes[0]?.created).toEqual(['change.organization']);
    expect((await hooks()).filter((h) => h.name.startsWith('syncd '))).toHaveLength(1);
  });

  it('registers once when two workers sharing the store start together', async () => {
    const a = await runtime({ worker: 'worker-a' });
    const b = await runtime({ worker: 'worker-b' });
    const outcomes: SubscriptionOutcome[] = [];
    const errors: unknown[] = [];
    const handlers = { onOutcome: (o: SubscriptionOutcome) => outcomes.push(o), onError: (_t: unknown, err: unknown) => errors.push(err) };
    const keepers = [a.keepWebhookSubscriptions(URL_A, handlers), b.keepWebhookSubscriptions(URL_A, handlers)];
    try {
      await waitFor('a registration', () => outcomes.length > 0, 10_000);
    } finally {
      await Promise.all(keepers.map((k) => k.stop()));
    }
    expect(errors).toEqual([]);
    expect((await hooks()).filter((h) => h.name.startsWith('syncd default/pipedrive '))).toHaveLength(1);
  });

  it('keeps its lease through a reconcile slower than the lease, so a worker starting meanwhile registers nothing', async () => {
    await Promise.all((await hooks()).map((h) => call('DELETE', `/v1/webhooks/${h.id}`)));
    const a = await runtime({ worker: 'worker-a' });
    const b = await runtime({ worker: 'worker-b' });
    const outcomes: Array<{ worker: string; outcome: SubscriptionOutcome }> = [];
    const handlers = (worker: string) => ({ leaseMs: 300, onOutcome: (o: SubscriptionOutcome) => outcomes.push({ worker, outcome: o }), onError: () => undefined });
    // Each call takes 1.2 s: a's list and create take 2.4 s, b starts after a's lease would have
    // lapsed (0.3 s) and its list would be answered before a's create.
    account.sim.setFaults({ latencyMs: 1_200 });
    const keepers = [a.keepWebhookSubscriptions(URL_A, handlers('worker-a'))];
    try {
      await new Promise((r) => setTimeout(r, 600));
      keepers.push(b.keepWebhookSubscriptions(URL_A, handlers('worker-b')));
      await waitFor("a's registration", () => outcomes.length > 0, 15_000);
      // Long enough for b's reconcile, had it started, to have created its own.
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      account.sim.setFaults({ latencyMs: 0 });
      await Promise.all(keepers.map((k) => k.stop()));
    }
    expect(outcomes.map((o) => [o.worker, o.outcome.created.length])).toEqual([['worker-a', 1]]);
    expect((await hooks()).filter((h) => h.name.startsWith('syncd default/pipedrive '))).toHaveLength(1);
  });
});
