/**
 * One rate budget per connection, shared by every worker through the state store (DESIGN §4).
 * Two store backends stand for two workers: on PostgreSQL each over its own store (its own pool,
 * as separate processes have), on SQLite over one store (one process per database file).
 */
import type { BucketPolicy, BudgetBackend, Grant } from '../../src/connectors/budget/backend.js';
import { MemoryBudgetBackend } from '../../src/connectors/budget/memoryBackend.js';
import { loadProject } from '../../src/engine/project.js';
import { Runtime } from '../../src/engine/runtime.js';
import { createStoreBudgetBackend } from '../../src/engine/storeBudgetBackend.js';
import { queueDepth } from '../../src/state/outbox/queries.js';
import { readBudgetState } from '../../src/state/rateBudgets.js';
import { openStore, type Store } from '../../src/state/store.js';
import { tables } from '../../src/state/tables.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { createItems, insertItems, makeItems, openLocal } from './support/localDb.js';
import { fixtureEnv, startTarget } from './support/target.js';

const CONN = 'default:target';
const T0 = 1_800_000_000_000;

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/**
 * Each worker asks for one unit at a time, sends at its grant and asks again, for `ms` of real
 * time, as the connector client does. Returns every grant's time with the worker that got it.
 */
async function drawConcurrently(workers: BudgetBackend[], policy: BucketPolicy, ms: number): Promise<Array<{ at: number; worker: number }>> {
  const grants: Array<{ at: number; worker: number }> = [];
  const end = Date.now() + ms;
  await Promise.all(
    workers.map(async (w, worker) => {
      while (Date.now() < end) {
        const g = await w.acquire(CONN, 'requests', policy, 1, Date.now());
        if (g.granted) grants.push({ at: g.at, worker });
        await sleepUntil(g.granted ? g.at : g.retryAt);
      }
    }),
  );
  return grants.sort((x, y) => x.at - y.at);
}

const gaps = (grants: Array<{ at: number }>) => grants.slice(1).map((g, i) => g.at - (grants[i] as { at: number }).at);

describe('two private in-memory budgets (one per process)', () => {
  it('each spend the whole allowance: together they exceed the pace', async () => {
    const grants = await drawConcurrently([new MemoryBudgetBackend(), new MemoryBudgetBackend()], { kind: 'paced', intervalMs: 50, burst: 1 }, 300);
    expect(Math.min(...gaps(grants))).toBeLessThan(50);
  });
});

describe.each(backends)('a rate budget in the %s store, shared by two workers', (backend: Backend) => {
  let urls: BackendUrls;
  const stores: Store[] = [];
  let a: BudgetBackend;
  let b: BudgetBackend;

  beforeAll(async () => {
    urls = await prepareBackend(backend, 'syncd_budget');
    const first = openStore({ url: urls.store, env: {} });
    stores.push(first);
    await first.migrate();
    const second = backend === 'postgres' ? openStore({ url: urls.store, env: {} }) : first;
    if (second !== first) stores.push(second);
    a = createStoreBudgetBackend(first, 'default');
    b = createStoreBudgetBackend(second, 'default');
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await urls?.cleanup();
  });

  beforeEach(async () => {
    await stores[0]?.knex(tables.rateBudgets).del();
  });

  it('never grant faster than the pace, counted across both workers', async () => {
    const grants = await drawConcurrently([a, b], { kind: 'paced', intervalMs: 50, burst: 1 }, 1000);
    // ~20 slots in a second: both workers got some, and no two grants are closer than 50 ms.
    expect(grants.length).toBeGreaterThanOrEqual(15);
    expect(grants.filter((g) => g.worker === 0).length).toBeGreaterThanOrEqual(3);
    expect(grants.filter((g) => g.worker === 1).length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...gaps(grants))).toBeGreaterThanOrEqual(50 - 1e-9);
  });

  it('allow a burst once, then pace, whichever worker asks', async () => {
    const policy: BucketPolicy = { kind: 'paced', intervalMs: 100, burst: 3 };
    const ats: number[] = [];
    for (const w of [a, b, a, b, a]) ats.push(((await w.acquire(CONN, 'requests', policy, 1, T0)) as Extract<Grant, { granted: true }>).at);
    expect(ats.map((at) => at - T0)).toEqual([0, 0, 0, 100, 200]);
  });

  it('honour a vendor window correction made by the other worker', async () => {
    const policy: BucketPolicy = { kind: 'paced', intervalMs: 1, burst: 10 };
    await a.correct(CONN, 'requests', policy, { kind: 'window', remaining: 2, resetAt: T0 + 5_000 }, T0);
    expect(await b.acquire(CONN, 'requests', policy, 1, T0)).toEqual({ granted: true, at: T0 });
    expect(await a.acquire(CONN, 'requests', policy, 1, T0 + 1)).toEqual({ granted: true, at: T0 + 1 });
    expect(await b.acquire(CONN, 'requests', policy, 1, T0 + 2)).toEqual({ granted: false, retryAt: T0 + 5_000 });
    expect(await a.acquire(CONN, 'requests', policy, 1, T0 + 3)).toEqual({ granted: false, retryAt: T0 + 5_000 });
    expect(await b.acquire(CONN, 'requests', policy, 1, T0 + 5_000)).toMatchObject({ granted: true });
    // A pacing floor (an empty rolling window) holds the other worker back too.
    await b.correct(CONN, 'requests', policy, { kind: 'paced', floor: T0 + 9_000 }, T0 + 5_001);
    expect(await a.acquire(CONN, 'requests', policy, 1, T0 + 5_002)).toEqual({ granted: true, at: T0 + 9_000 - 9 });
  });

  it('stop the other worker during a pause, which a shorter pause never shortens', async () => {
    const policy: BucketPolicy = { kind: 'paced', intervalMs: 10, burst: 1 };
    await a.pause(CONN, T0 + 3_000);
    await a.pause(CONN, T0 + 1_000);
    expect(await b.pausedUntil(CONN)).toBe(T0 + 3_000);
    expect(await b.acquire(CONN, 'requests', policy, 1, T0)).toEqual({ granted: false, retryAt: T0 + 3_000 });
    expect(await b.acquire(CONN, 'search', policy, 1, T0 + 2_999)).toEqual({ granted: false, retryAt: T0 + 3_000 });
    expect(await b.acquire(CONN, 'requests', policy, 1, T0 + 3_000)).toEqual({ granted: true, at: T0 + 3_000 });
    // Another connection of the tenant is not paused.
    expect(await b.acquire('default:other', 'requests', policy, 1, T0)).toEqual({ granted: true, at: T0 });
  });

  it('share a quota, and the vendor’s count of it', async () => {
    const daily: BucketPolicy = { kind: 'quota', limit: 5, periodMs: 86_400_000 };
    expect(await a.acquire(CONN, 'daily', daily, 3, T0)).toEqual({ granted: true, at: T0 });
    expect(await b.acquire(CONN, 'daily', daily, 2, T0 + 1)).toEqual({ granted: true, at: T0 + 1 });
    expect(await b.acquire(CONN, 'daily', daily, 1, T0 + 2)).toEqual({ granted: false, retryAt: T0 + 86_400_000 });
    await b.correct(CONN, 'daily', daily, { kind: 'quota', used: 1, resetAt: T0 + 60_000 }, T0 + 3);
    expect(await a.acquire(CONN, 'daily', daily, 4, T0 + 4)).toEqual({ granted: true, at: T0 + 4 });
    expect(await a.acquire(CONN, 'daily', daily, 1, T0 + 5)).toEqual({ granted: false, retryAt: T0 + 60_000 });
    expect(await b.acquire(CONN, 'daily', daily, 5, T0 + 60_000)).toMatchObject({ granted: true });
  });

  it('keep each tenant’s budget apart, and refuse the reserved bucket name', async () => {
    const policy: BucketPolicy = { kind: 'paced', intervalMs: 100, burst: 1 };
    const other = createStoreBudgetBackend(stores[0] as Store, 'other-tenant');
    await a.pause(CONN, T0 + 3_000);
    expect(await a.acquire(CONN, 'search', policy, 1, T0 + 3_000)).toEqual({ granted: true, at: T0 + 3_000 });
    expect(await other.pausedUntil(CONN)).toBe(0);
    expect(await other.acquire(CONN, 'search', policy, 1, T0)).toEqual({ granted: true, at: T0 });
    await expect(a.acquire(CONN, '__pause', policy, 1, T0)).rejects.toThrow(/reserved/);
  });
});

describe('two workers on one PostgreSQL store, one connection to a target with a tight window', () => {
  it('stay under the target’s limit together and deliver every record once', async () => {
    const urls = await prepareBackend('postgres', 'syncd_budget_e2e');
    // 5 requests per 500 ms; the fixture connector declares that window and paces at 80 % of it.
    const target = await startTarget({ rate: { limit: 5, windowMs: 500 } });
    const local = openLocal(urls.local);
    const runtimes: Runtime[] = [];
    try {
      await createItems(local);
      await insertItems(local, makeItems(2_000));
      const env = { ...fixtureEnv(target, urls.local), SYNCD_SECRET_KEY: urls.secretKey };
      const project = await loadProject(['test/fixtures/target/connector-tight-window.yaml', 'test/fixtures/target/local.yaml', 'test/fixtures/target/items-to-target.yaml']);
      for (const worker of ['worker-a', 'worker-b']) runtimes.push(await Runtime.create({ project, store: urls.store, env, worker }));
      const scope = (runtimes[0] as Runtime).store.forTenant('default');

      const started = Date.now();
      await Promise.all(
        runtimes.map(async (rt) => {
          for (;;) {
            await rt.runOnce();
            const depth = await queueDepth(scope);
            // Whichever worker holds the source's lease reads it; the other may find nothing yet.
            if (depth.byStatus.done === 2_000 && depth.byStatus.pending === 0 && depth.byStatus.in_flight === 0) return;
            if (Date.now() - started > 12_000) throw new Error(`not settled: ${JSON.stringify(depth.byStatus)}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        }),
      );

      const stats = target.stats(); console.log("DEPTH", JSON.stringify((await queueDepth(scope)).byStatus), JSON.stringify(stats.requests));
      expect(stats.rateLimited).toBe(0);
      for (const item of makeItems(2_000)) expect(stats.writes[item.id], item.id).toBe(1);
      // Twenty batches of 100, or a few more when the two workers' last claims split a batch, at
      // eight per second (80 % of the window): the pace held, and both workers sent some.
      const batches = stats.requests['POST /records/batch 200'] ?? 0;
      expect(batches).toBeGreaterThanOrEqual(20);
      expect(batches).toBeLessThanOrEqual(24);
      expect(Date.now() - started).toBeGreaterThanOrEqual((batches - 1) * 120);
      const perWorker = (await scope.db(tables.deliveries).where({ tenant: 'default', outcome: 'ok' }).select('worker').count({ n: '*' }).groupBy('worker')) as Array<{ worker: string; n: string | number }>;
      expect(perWorker.map((r) => r.worker).sort()).toEqual(['worker-a', 'worker-b']);
      expect(await readBudgetState(scope, { connection: CONN, bucket: 'requests' })).toMatchObject({ kind: 'paced' });
    } finally {
      for (const rt of runtimes) await rt.close();
      await local.destroy();
      await target.close();
      await urls.cleanup();
    }
  }, 20_000);
});
