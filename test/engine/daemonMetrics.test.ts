/**
 * `/metrics` of the real daemon (`node bin/syncd run`): the outbox gauges and the gauge of records
 * waiting for a reference read the daemon's own store at scrape time, per tenant and pipeline, and
 * no secret of the connectors or the store reaches the page. Needs the compiled CLI.
 */
import { existsSync } from 'node:fs';
import type { RecordsTarget } from '../../src/simulators/target/index.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { createItems, createQueastCompanies, createQueastSignals, insertItems, makeItems, openLocal } from './support/localDb.js';
import { fixtureEnv, OAUTH, startTarget } from './support/target.js';
import { listeningUrl, startDaemon, waitFor, type Daemon } from './support/daemon.js';
import { PIPEDRIVE_WEBHOOK_PASSWORD, startPipedriveAccount, type PipedriveAccount } from '../support/pipedriveAccount.js';

const ITEMS = 300;

/** The value of one sample on a Prometheus text page, or undefined when the page lacks it. */
function sample(page: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const have = inner.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

describe.each(backends)('the daemon’s /metrics (%s store)', (backend: Backend) => {
  let urls: BackendUrls;
  let daemon: Daemon | undefined;

  beforeAll(() => {
    if (!existsSync('dist/cli/main.js')) throw new Error('the compiled CLI is missing: run `npm run build` first');
  });

  beforeEach(async () => {
    urls = await prepareBackend(backend, 'syncd_daemon_metrics');
  });

  afterEach(async () => {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    }
    daemon = undefined;
    await urls.cleanup();
  });

  it('reports the writes held while the connection needs a reconnect, with their age, and no secret', { timeout: 60_000 }, async () => {
    const local = openLocal(urls.local);
    await createItems(local);
    await insertItems(local, makeItems(ITEMS));
    await local.destroy();
    // Calls and token refreshes are refused: the engine pauses the connection and keeps every write.
    const target: RecordsTarget = await startTarget({});
    target.setFaults({ revoked: true });
    try {
      daemon = startDaemon(urls, fixtureEnv(target, urls.local));
      const base = await listeningUrl(daemon);
      const labels = { tenant: 'default', pipeline: 'items-to-target' };
      let page = '';
      const connection = { tenant: 'default', connector: 'target' };
      await waitFor(
        `the connection paused with ${ITEMS} writes held`,
        async () => {
          page = await scrape(base);
          return (sample(page, 'syncd_connection_reconnect_required_total', connection) ?? 0) >= 1 && sample(page, 'syncd_outbox_queue_depth', labels) === ITEMS;
        },
        30_000,
        daemon,
      );
      expect(sample(page, 'syncd_outbox_oldest_age_seconds', labels)).toBeGreaterThan(0);
      expect(sample(page, 'syncd_records_awaiting_reference', labels)).toBe(0);
      expect(sample(page, 'syncd_connection_reconnect_required_total', connection)).toBe(1);
      expect(sample(page, 'syncd_records_read_total', { ...labels, connector: 'local', outcome: 'read' })).toBeGreaterThanOrEqual(ITEMS);
      expect(target.stats().writes).toStrictEqual({});
      for (const secret of [OAUTH.clientSecret, OAUTH.refreshToken, urls.secretKey]) expect(page).not.toContain(secret);
      expect(page).not.toContain('[REDACTED]');
    } finally {
      daemon?.child.kill('SIGTERM');
      await daemon?.exited;
      await target.close();
    }
  });

  it('reports the records waiting for a company the companies pipeline has not linked', { timeout: 60_000 }, async () => {
    const queast = openLocal(urls.local);
    await createQueastCompanies(queast);
    await createQueastSignals(queast);
    await queast('signals').insert([
      { id: 'qs-1', company_id: 'qc-1', kind: 'funding', headline: 'Series B', detected_at: '2026-05-01T08:00:00.000Z', updated_at: '2026-05-01T09:00:00.000Z' },
      { id: 'qs-2', company_id: 'qc-2', kind: 'hiring', headline: '12 open roles', detected_at: '2026-05-01T08:00:00.000Z', updated_at: '2026-05-01T09:01:00.000Z' },
    ]);
    await queast.destroy();
    const account: PipedriveAccount = await startPipedriveAccount();
    try {
      // The companies pipeline is loaded (the reference names it) but not run: nothing links the companies.
      const specs = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', 'pipelines/queast-signals-pipedrive.yaml', 'pipelines/queast-companies-pipedrive.yaml'];
      daemon = startDaemon(urls, { QUEAST_DATABASE_URL: urls.local, ...account.env }, ['--pipeline', 'queast-signals-pipedrive'], specs);
      const base = await listeningUrl(daemon);
      const labels = { tenant: 'default', pipeline: 'queast-signals-pipedrive' };
      let page = '';
      await waitFor('two signals waiting', async () => sample((page = await scrape(base)), 'syncd_records_awaiting_reference', labels) === 2, 30_000, daemon);
      expect(sample(page, 'syncd_outbox_queue_depth', labels)).toBe(0);
      expect(sample(page, 'syncd_records_awaiting_reference', { tenant: 'default', pipeline: 'queast-companies-pipedrive' })).toBeUndefined();
      for (const secret of [account.env.PIPEDRIVE_API_TOKEN as string, PIPEDRIVE_WEBHOOK_PASSWORD, urls.secretKey]) expect(page).not.toContain(secret);
      // The connector's webhook user name (`syncd`) is not a secret: metric names stay whole.
      expect(page).not.toContain('[REDACTED]');
    } finally {
      daemon?.child.kill('SIGTERM');
      await daemon?.exited;
      await account.sim.close();
    }
  });
});
