/**
 * Writes a pipeline's source stage hands straight to its own delivery loops. They are committed
 * to the outbox already claimed by this worker (in the page's transaction), so delivering them
 * needs no claim of its own: no read of the rows back, no second update, no extra commit. The
 * rows are as durable as any claimed row: if the process dies, the claims expire (or are expired
 * by the restarted process) and the rows are claimed again with their idempotency keys.
 *
 * It holds a few rounds of the runner's delivery loops. With a store only this process delivers
 * from (SQLite) the source waits for room; with PostgreSQL it reads on and what does not fit
 * waits in the outbox, so that all workers sharing the store take a share of one source's writes.
 */
import type { OutboxRow } from '../state/outbox/rows.js';

export class Handoff {
  /** Oldest first (insertion order). */
  private readonly rows = new Map<number, OutboxRow>();
  private readonly waiting: Array<{ need: number; resolve: () => void }> = [];

  /**
   * @param capacity most rows held at once (memory is bounded by it)
   * @param freshMs a row whose claim ends sooner than this is not delivered from here: by the time
   *   its call settled, the claim could have expired and been taken over
   */
  constructor(
    readonly capacity: number,
    private readonly freshMs: number,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** How many more rows can be handed over now. */
  room(): number {
    return Math.max(0, this.capacity - this.rows.size);
  }

  put(rows: readonly OutboxRow[]): void {
    for (const r of rows) this.rows.set(r.id, r);
  }

  /**
   * Up to `limit` rows, oldest first. Rows whose claim is about to end are not sent from here
   * but returned as `stale`, for the caller to give back to the outbox unsent (claimed again at
   * once, with no attempt counted for the call that never happened).
   */
  take(limit: number, now: number): { rows: OutboxRow[]; stale: OutboxRow[] } {
    const rows: OutboxRow[] = [];
    const stale: OutboxRow[] = [];
    for (const [id, row] of this.rows) {
      if (rows.length >= limit) break;
      this.rows.delete(id);
      if ((row.claimedUntil ?? 0) - now > this.freshMs) rows.push(row);
      else stale.push(row);
    }
    this.wake();
    return { rows, stale };
  }

  /** Forgets rows a claim of the outbox has taken over. */
  forget(ids: Iterable<number>): void {
    for (const id of ids) this.rows.delete(id);
    this.wake();
  }

  /** Everything still held (to release or park); empties the hand-off. */
  takeAll(): OutboxRow[] {
    const out = [...this.rows.values()];
    this.rows.clear();
    this.wake();
    return out;
  }

  /** Resolves once `need` rows fit (at most the capacity), or when `release()` is called. */
  whenRoom(need: number): Promise<void> {
    const n = Math.min(Math.max(1, need), this.capacity);
    if (this.room() >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ need: n, resolve }));
  }

  /** Lets every waiter go (stopping). */
  release(): void {
    for (const w of this.waiting.splice(0)) w.resolve();
  }

  private wake(): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i] as { need: number; resolve: () => void };
      if (this.room() >= w.need) {
        this.waiting.splice(i, 1);
        w.resolve();
      }
    }
  }
}
