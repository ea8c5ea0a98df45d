import { budgetTransaction, lockBudgetState, readBudgetState, saveBudgetState, updateBudgetState, type Scope } from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

const key = { connection: 'acme:hubspot', bucket: 'requests' };

interface Counter {
  n: number;
  at: number;
}

/** One step of a shared counter: the kind of read-advance-write a budget does on its row. */
const increment = (s: Counter | undefined) => {
  const n = (s?.n ?? 0) + 1;
  return { state: { n, at: n + 0.25 }, result: n };
};

describe.each(backends)('rate budget state on %s', (backend) => {
  const h = useStore(backend);

  it('keep one JSON state per connection and bucket, read back as saved', async () => {
    const t = h.tenant();
    expect(await readBudgetState(t, key)).toBeUndefined();
    const state = { kind: 'paced', tat: 1_700_000_000_123.456, windowRemaining: 0, nested: { list: [1, null] } };
    await saveBudgetState(t, key, state);
    expect(await readBudgetState(t, key)).toEqual(state);
    await saveBudgetState(t, key, { kind: 'paced', tat: 5 });
    expect(await readBudgetState(t, key)).toEqual({ kind: 'paced', tat: 5 });
    expect(await readBudgetState(t, { ...key, bucket: 'search' })).toBeUndefined();
    expect(await readBudgetState(t, { ...key, connection: 'acme:pipedrive' })).toBeUndefined();
  });

  it('lock a missing row by creating it empty, and only inside a transaction', async () => {
    const t = h.tenant();
    await expect(lockBudgetState(t, key)).rejects.toThrow(/inside a transaction/);
    expect(await t.transaction((tx) => lockBudgetState(tx, key))).toBeUndefined();
    // The empty row reads as no state, and a later save fills it.
    expect(await readBudgetState(t, key)).toBeUndefined();
    await saveBudgetState(t, key, { n: 1 });
    expect(await t.transaction((tx) => lockBudgetState<Counter>(tx, key))).toEqual({ n: 1 });
  });

  it('advance a state step by step, each step seeing the last one', async () => {
    const t = h.tenant();
    const results = await Promise.all(Array.from({ length: 25 }, () => updateBudgetState(t, key, increment)));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await readBudgetState(t, key)).toEqual({ n: 25, at: 25.25 });
  });

  it('write nothing when the step throws', async () => {
    const t = h.tenant();
    await saveBudgetState(t, key, { n: 3, at: 0 });
    await expect(
      updateBudgetState<Counter, number>(t, key, () => {
        throw new Error('bad step');
      }),
    ).rejects.toThrow('bad step');
    expect(await readBudgetState(t, key)).toEqual({ n: 3, at: 0 });
  });
});

describe('rate budget state shared by several processes on postgres', () => {
  const h = useStore('postgres');

  it('serialise concurrent steps from separate stores on one row, none lost', async () => {
    const tenant = h.tenant().tenant;
    const scopes: Scope[] = Array.from({ length: 4 }, () => h.open({ poolMax: 3 }).forTenant(tenant));
    const results = await Promise.all(scopes.flatMap((s) => Array.from({ length: 15 }, () => updateBudgetState(s, key, increment))));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(await readBudgetState(h.store.forTenant(tenant), key)).toEqual({ n: 60, at: 60.25 });
  });

  it('commit budget steps without waiting for the WAL flush, and only budget steps', async () => {
    // The test server runs with synchronous_commit off; this database is made durable by default.
    const db = ((await h.store.knex.raw('select current_database() as db')) as { rows: Array<{ db: string }> }).rows[0]?.db as string;
    await h.store.knex.raw(`alter database "${db}" set synchronous_commit = on`);
    const t = h.open().forTenant(h.tenant().tenant);
    const setting = async (tx: Scope) => ((await tx.db.raw('show synchronous_commit')) as { rows: Array<{ synchronous_commit: string }> }).rows[0]?.synchronous_commit;
    expect(await t.transaction(setting)).toBe('on');
    expect(await budgetTransaction(t, setting)).toBe('off');
    expect(await t.transaction(setting)).toBe('on');
    // Joining a caller's transaction leaves that transaction's durability alone.
    expect(await t.transaction((tx) => budgetTransaction(tx, setting))).toBe('on');
  });

  it('make a second worker wait for the row until the first commits, then read what it wrote', async () => {
    const tenant = h.tenant().tenant;
    const other = h.open().forTenant(tenant);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const first = h.store.transaction(async (tx) => {
      await lockBudgetState(tx, key);
      locked();
      await held;
      await saveBudgetState(tx, key, { n: 10, at: 0 });
    }, tenant);
    await isLocked;
    let secondDone = false;
    const second = updateBudgetState(other, key, increment).then((n) => {
      secondDone = true;
      return n;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(secondDone).toBe(false);
    release();
    await first;
    expect(await second).toBe(11);
  });
});
