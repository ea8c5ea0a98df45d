/**
 * Outbound webhook deliveries from a simulator to a subscriber, with the vendor's retry schedule.
 * Every attempt is kept in a log that tests and the admin API read.
 */
export interface DeliveryAttempt {
  url: string;
  attempt: number;
  status: number | 'error';
  at: string;
  body: string;
}

export interface DeliveryRequest {
  url: string;
  /**
   * Raw body exactly as sent: signatures are computed over these bytes. A function builds the body
   * per attempt, for vendors that number attempts inside the payload (HubSpot `attemptNumber`,
   * Pipedrive `meta.attempt`).
   */
  body: string | ((attempt: number) => string);
  /** Headers per attempt (a vendor may re-sign or number attempts); receives that attempt's body. */
  headers: (attempt: number, body: string) => Record<string, string>;
  /** Delays before each retry; `[]` means a single attempt. */
  retryDelaysMs: number[];
  timeoutMs: number;
  /** Told about every attempt once it is logged (vendors track last status, bans and removals). */
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

export class WebhookDeliverer {
  readonly log: DeliveryAttempt[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** Aborted by `cancelRetries()`: pending retry waits end at once and no further attempt starts. */
  private retryAbort = new AbortController();

  /** Starts a delivery in the background; `drain()` waits for all of them. */
  send(req: DeliveryRequest): void {
    const p = this.run(req, this.retryAbort.signal).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * Gives up on every retry still waiting (vendor schedules span hours, so waiting them out on
   * shutdown would hang); attempts already in flight finish. Later `send` calls work normally.
   */
  cancelRetries(): void {
    this.retryAbort.abort();
    this.retryAbort = new AbortController();
  }

  private async run(req: DeliveryRequest, cancelled: AbortSignal): Promise<void> {
    for (let attempt = 1; attempt <= req.retryDelaysMs.length + 1; attempt++) {
      if (attempt > 1 && !(await waitUnlessCancelled(req.retryDelaysMs[attempt - 2] as number, cancelled))) return;
      const body = typeof req.body === 'function' ? req.body(attempt) : req.body;
      let status: number | 'error' = 'error';
      try {
        const res = await fetch(req.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...req.headers(attempt, body) },
          body,
          signal: AbortSignal.timeout(req.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 'error';
      }
      const entry: DeliveryAttempt = { url: req.url, attempt, status, at: new Date().toISOString(), body };
      this.log.push(entry);
      req.onAttempt?.(entry);
      if (typeof status === 'number' && status >= 200 && status < 300) return;
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function waitUnlessCancelled(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
