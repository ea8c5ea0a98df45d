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
   * per attempt, for vendors that number attempts inside the payload (Pipedrive's `meta.attempt`).
   */
  body: string | ((attempt: number) => string);
  /** Headers per attempt (a vendor may re-sign or number attempts). */
  headers: (attempt: number) => Record<string, string>;
  /** Delays before each retry; `[]` means a single attempt. */
  retryDelaysMs: number[];
  timeoutMs: number;
  /** Told about every attempt once it is logged (vendors track last status, bans and removals). */
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

export class WebhookDeliverer {
  readonly log: DeliveryAttempt[] = [];
  private readonly pending = new Set<Promise<void>>();

  /** Starts a delivery in the background; `drain()` waits for all of them. */
  send(req: DeliveryRequest): void {
    const p = this.run(req).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async run(req: DeliveryRequest): Promise<void> {
    for (let attempt = 1; attempt <= req.retryDelaysMs.length + 1; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, req.retryDelaysMs[attempt - 2]));
      const body = typeof req.body === 'function' ? req.body(attempt) : req.body;
      let status: number | 'error' = 'error';
      try {
        const res = await fetch(req.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...req.headers(attempt) },
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
