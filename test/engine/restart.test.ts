/**
 * Crash and shutdown of the real daemon: `node bin/syncd run` as a child process syncing a few
 * thousand local items to the records target, which answers slowly enough for the kill to land
 * mid-sync. After a SIGKILL, a restart delivers the rest and every item's change is applied at the
 * target exactly once; the only repeats are re-sends of batches whose outcome the engine had not
 * recorded (in flight at the kill, or answered after the client's timeout), which the target
 * recognises as already applied (upsert by key). SIGTERM drains the batches
 * in flight and exits 0 within the deadline. Needs the compiled CLI (`npm run build`, which
 * `npm test` runs first).
 */
import { existsSync } from 'node:fs';
import { openStore, type Store } from '../../src/state/store.js';
import { listOutbox, queueDepth } from '../../src/state/outbox/queries.js';
import type { RecordsTarget } from '../../src/simulators/target/index.js';
import { backends, prepareBackend, type Backend, type BackendUrls } from './support/backends.js';
import { createItems, insertItems, makeItems, openLocal } from './support/localDb.js';
import { fixtureEnv, startTarget } from './support/target.js';
import { startDaemon, waitFor, type Daemon } from './support/daemon.js';

const ITEMS = 2000;
const applied = (t: RecordsTarget): number => Object.keys(t.stats().writes).length;
const sum = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0);

interface Fixture {
  urls: BackendUrls;
  target: RecordsTarget;
  env: NodeJS.ProcessEnv;
  daemons: Daemon[];
  open(): Store;
}

/** A fresh store, local database and target for each test, and the daemons it started, killed after it. */
function useFixture(backend: Backend): Fixture {
  const f = { daemons: [] as Daemon[] } as Fixture;

  beforeAll(() => {
    if (!existsSync('dist/cli/main.js')) throw new Error('the compiled CLI is missing: run `npm run build` first');
  });

  beforeEach(async () => {
    f.urls = await prepareBackend(backend, 'syncd_restart');
    const localUrl = f.urls.local;
    const local = openLocal(localUrl);
    await createItems(local);
    await insertItems(local, makeItems(ITEMS));
    await local.destroy();
    f.target = await startTarget({ latencyMs: 20 });
    f.env = fixtureEnv(f.target, localUrl);
    f.daemons = [];
  });

  afterEach(async () => {
    for (const d of f.daemons) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
    await Promise.all(f.daemons.map((d) => d.exited));
    await f.target.close();
    await f.urls.cleanup();
  });

  f.open = () => openStore({ url: f.urls.store, env: { SYNCD_SECRET_KEY: f.urls.secretKey } });
  return f;
}

describe.each(backends)('the daemon killed mid-sync (%s store)', (backend: Backend) => {
  const f = useFixture(backend);

  it('SIGKILL mid-sync, then a restart: every item written exactly once', { timeout: 60_000 }, async () => {
    const first = startDaemon(f.urls, f.env);
    f.daemons.push(first);
    await waitFor('the first writes', () => applied(f.target) >= ITEMS / 4, 20_000, first);
    first.child.kill('SIGKILL');
    expect(await first.exited).toStrictEqual({ code: null, signal: 'SIGKILL' });
    const cut = applied(f.target);
    expect(cut).toBeLessThan(ITEMS);

    const second = startDaemon(f.urls, f.env, ['--once']);
    f.daemons.push(second);
    const { code } = await second.exited;
    expect(code, second.stderr()).toBe(0);

    const stats = f.target.stats();
    const expected = makeItems(ITEMS).map((i) => i.id);
    expect(Object.keys(stats.writes).sort()).toStrictEqual(expected);
    expect(Object.values(stats.writes).every((n) => n === 1)).toBe(true);
    expect(sum(stats.rejected)).toBe(0);
    // Every attempt beyond one per item re-sent a change the target had already applied (the
    // batches in flight at the kill, and calls whose answer outlasted the client's timeout).
    expect(sum(stats.attempts)).toBe(ITEMS + sum(stats.unchanged));

    const store = f.open();
    try {
      const scope = store.forTenant('default');
      const depth = await queueDepth(scope);
      expect(depth.byStatus).toMatchObject({ done: ITEMS, pending: 0, in_flight: 0, failed: 0, dead: 0 });
      const rows = await listOutbox(scope, { limit: ITEMS + 1 });
      expect(new Set(rows.map((r) => r.recordKey)).size).toBe(ITEMS);
    } finally {
      await store.close();
    }
  });

});

describe('the daemon shut down (sqlite store)', () => {
  const f = useFixture('sqlite');

  it('SIGTERM: drains the batches in flight and exits 0 within the deadline; the rest waits in the outbox', { timeout: 60_000 }, async () => {
    const daemon = startDaemon(f.urls, f.env, ['--drain', '10']);
    f.daemons.push(daemon);
    await waitFor('the first writes', () => applied(f.target) >= ITEMS / 4, 20_000, daemon);
    const signalled = Date.now();
    daemon.child.kill('SIGTERM');
    const { code } = await daemon.exited;
    expect(code, daemon.stderr()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(daemon.stderr()).toContain('stopped cleanly');

    const store = f.open();
    try {
      const scope = store.forTenant('default');
      const depth = await queueDepth(scope);
      // Nothing is left half-done: every write is either acknowledged or still waiting.
      expect(depth.byStatus.in_flight).toBe(0);
      expect(depth.byStatus.done).toBe(applied(f.target));
      expect(depth.byStatus.done + depth.byStatus.pending).toBe(ITEMS);
      const done = await listOutbox(scope, { status: 'done', limit: ITEMS });
      for (const row of done) expect(f.target.stats().writes[row.recordKey], row.recordKey).toBe(1);
    } finally {
      await store.close();
    }

    // The next run delivers the rest, and nothing twice.
    const next = startDaemon(f.urls, f.env, ['--once']);
    f.daemons.push(next);
    expect((await next.exited).code, next.stderr()).toBe(0);
    const stats = f.target.stats();
    expect(Object.keys(stats.writes)).toHaveLength(ITEMS);
    expect(Object.values(stats.writes).every((n) => n === 1)).toBe(true);
    expect(sum(stats.attempts)).toBe(ITEMS + sum(stats.unchanged));
  });
});
