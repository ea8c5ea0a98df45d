/**
 * A guard against bunching. Pacing spaces requests as they leave, but the vendor counts them as
 * they arrive, and a slow connection set-up, a GC pause or a busy event loop can deliver several
 * paced requests at once. A request may land anywhere between its send and its response, so it
 * is counted from send until one window after its response: a new request goes only while fewer
 * than `limit` are counted. That holds the vendor's count under its limit in every window, at no
 * cost in the steady state. It guards one process; workers sharing a connection share the pacing
 * through the budget backend, not this guard.
 */
export class InflightWindow {
  private readonly released: number[] = [];
  private inFlight = 0;
  private wake: Array<() => void> = [];

  constructor(
    public limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private counted(now: number): number {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.released.length && (this.released[drop] as number) <= cutoff) drop++;
    if (drop) this.released.splice(0, drop);
    return this.inFlight + this.released.length;
  }

  /** Waits for room, then counts a request as sent; returns how long it waited. */
  async enter(signal?: AbortSignal): Promise<number> {
    const started = this.now();
    for (;;) {
      const now = this.now();
      if (this.counted(now) < this.limit) break;
      const untilExpiry = this.released.length ? (this.released[0] as number) + this.windowMs - now : Infinity;
      if (signal?.aborted) throw signal.reason;
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.wake.push(done);
        if (Number.isFinite(untilExpiry)) timer = setTimeout(done, Math.max(1, untilExpiry));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.inFlight++;
    return this.now() - started;
  }

  /** The response of a request counted by `enter` arrived (or it failed). */
  leave(): void {
    this.inFlight--;
    this.released.push(this.now());
    const waiting = this.wake;
    this.wake = [];
    for (const w of waiting) w();
  }

  get pending(): number {
    return this.inFlight;
  }
}
