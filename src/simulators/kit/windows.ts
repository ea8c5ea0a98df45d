/**
 * Rate-limit accounting used by the simulators to enforce each vendor's policy. They measure real
 * (wall-clock) time, because the engine under test paces itself against real time.
 */

/** A rolling window: at most `limit` hits in any `windowMs` span (HubSpot 10 s, Pipedrive 2 s). */
export class RollingWindow {
  // Hits live in `hits[head..]`; the consumed prefix is dropped in bulk so pruning stays O(1)
  // amortised even with limits in the tens of thousands (benchmarks raise them that high).
  private hits: number[] = [];
  private head = 0;
  constructor(
    public limit: number,
    public readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    const hits = this.hits;
    while (this.head < hits.length && (hits[this.head] as number) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > hits.length) {
      this.hits = hits.slice(this.head);
      this.head = 0;
    }
  }

  private get size(): number {
    return this.hits.length - this.head;
  }

  /** Records a hit of `cost` units if the budget allows it; returns whether it was allowed. */
  tryTake(now = Date.now(), cost = 1): boolean {
    this.prune(now);
    if (this.size + cost > this.limit) return false;
    for (let i = 0; i < cost; i++) this.hits.push(now);
    return true;
  }

  remaining(now = Date.now()): number {
    this.prune(now);
    return Math.max(0, this.limit - this.size);
  }

  /** Milliseconds until at least one unit frees up. */
  msUntilFree(now = Date.now()): number {
    this.prune(now);
    if (this.size < this.limit) return 0;
    return Math.max(0, (this.hits[this.head] as number) + this.windowMs - now);
  }

  reset(): void {
    this.hits = [];
    this.head = 0;
  }
}

/** A fixed window that resets on boundaries (Composio's per-minute window). */
export class FixedWindow {
  private windowStart = 0;
  private used = 0;
  constructor(
    public limit: number,
    public readonly windowMs: number,
  ) {}

  private roll(now: number): void {
    const start = now - (now % this.windowMs);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
  }

  tryTake(now = Date.now(), cost = 1): boolean {
    this.roll(now);
    if (this.used + cost > this.limit) return false;
    this.used += cost;
    return true;
  }

  remaining(now = Date.now()): number {
    this.roll(now);
    return Math.max(0, this.limit - this.used);
  }

  msUntilReset(now = Date.now()): number {
    this.roll(now);
    return this.windowStart + this.windowMs - now;
  }

  reset(): void {
    this.used = 0;
  }
}

/** A daily budget of units (requests, or Pipedrive tokens weighted by `x-token-cost`). */
export class DailyBudget {
  used = 0;
  constructor(public limit: number) {}
  tryTake(cost = 1): boolean {
    if (this.used + cost > this.limit) return false;
    this.used += cost;
    return true;
  }
  remaining(): number {
    return Math.max(0, this.limit - this.used);
  }
  reset(): void {
    this.used = 0;
  }
}
