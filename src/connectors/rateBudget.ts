/**
 * The rate budget of one connection (tenant × connector). The static policy of `rateLimit`
 * becomes paced buckets (`requests`, `search`) that run at `utilization` of the allowance with a
 * small burst, so the steady state stays under the vendor's limit without drawing 429s, and a
 * daily quota where the connector declares one. Responses correct it live: the vendor's
 * remaining/limit/reset headers, its daily counters, and `Retry-After`, which pauses the whole
 * connection. State lives in a `BudgetBackend`, shared between workers when it is the database.
 */
import { durationMs } from '../spec/duration.js';
import type { RateLimitSpec, RateWindowSpec } from '../spec/types.js';
import type { BucketPolicy, BudgetBackend, PacedPolicy, QuotaPolicy } from './budget/backend.js';
import { InflightWindow } from './budget/inflightWindow.js';
import { MemoryBudgetBackend } from './budget/memoryBackend.js';
import { sleep } from './http/sleep.js';
import type { ConnectorMetrics } from './metrics.js';
import { readRateHeaders } from './rateHeaders.js';

export type BudgetKind = 'requests' | 'search';

/** Call when the response has arrived (or the request failed). */
export type ReleasePermit = () => void;

const DAY_MS = 86_400_000;

export interface RateBudgetOptions {
  /** Budget key: the connection (tenant × connector). */
  connection: string;
  spec?: RateLimitSpec;
  /** Default: a private in-memory backend. */
  backend?: BudgetBackend;
  metrics?: ConnectorMetrics;
  /** Clock, for tests. Default: Date.now. */
  now?: () => number;
}

interface Window {
  limit: number;
  perMs: number;
}

function paced(w: Window, utilization: number): PacedPolicy {
  const allowed = w.limit * utilization;
  // The burst is what the utilisation leaves free in one window, so burst + steady pace never
  // exceeds the vendor's limit in any window.
  return { kind: 'paced', intervalMs: w.perMs / allowed, burst: Math.max(1, Math.floor(w.limit - allowed)) };
}

function windowOf(spec: RateWindowSpec | undefined): Window | undefined {
  return spec ? { limit: spec.limit, perMs: durationMs(spec.per, 10_000) } : undefined;
}

export class RateBudget {
  readonly connection: string;
  private readonly backend: BudgetBackend;
  private readonly metrics: ConnectorMetrics | undefined;
  private readonly now: () => number;
  private readonly utilization: number;
  private readonly headers: RateLimitSpec['headers'];
  private requests: Window | undefined;
  private requestsPolicy: PacedPolicy | undefined;
  private readonly searchPolicy: PacedPolicy | undefined;
  private readonly requestsGuard: InflightWindow | undefined;
  private readonly searchGuard: InflightWindow | undefined;
  private dailyRawLimit: number | undefined;
  private dailyPolicy: QuotaPolicy | undefined;

  constructor(opts: RateBudgetOptions) {
    this.connection = opts.connection;
    this.backend = opts.backend ?? new MemoryBudgetBackend();
    this.metrics = opts.metrics;
    this.now = opts.now ?? Date.now;
    this.utilization = opts.spec?.utilization ?? 0.95;
    this.headers = opts.spec?.headers;
    this.requests = windowOf(opts.spec?.requests);
    this.requestsPolicy = this.requests && paced(this.requests, this.utilization);
    const search = windowOf(opts.spec?.search);
    this.searchPolicy = search && paced(search, this.utilization);
    this.requestsGuard = this.requests && new InflightWindow(this.requests.limit, this.requests.perMs, this.now);
    this.searchGuard = search && new InflightWindow(search.limit, search.perMs, this.now);
    if (opts.spec?.daily) this.setDailyLimit(opts.spec.daily.limit);
  }

  private setDailyLimit(raw: number): void {
    this.dailyRawLimit = raw;
    this.dailyPolicy = { kind: 'quota', limit: Math.floor(raw * this.utilization), periodMs: DAY_MS };
  }

  /**
   * Waits until a call drawing on `kind` (and `cost` daily units) may be sent. Search calls draw on
   * the search window and the request window. Call the returned release when the response has
   * arrived. Rejects when `signal` aborts.
   */
  async acquire(kind: BudgetKind, cost = 1, signal?: AbortSignal): Promise<ReleasePermit> {
    const search = kind === 'search' && this.searchPolicy;
    if (search) await this.take('search', this.searchPolicy as PacedPolicy, 1, signal);
    if (this.requestsPolicy) await this.take('requests', this.requestsPolicy, 1, signal);
    if (this.dailyPolicy && cost > 0) await this.take('daily', this.dailyPolicy, cost, signal);
    if (!this.requestsPolicy && !this.searchPolicy && !this.dailyPolicy) await this.waitForPause(signal);
    const guards = [search ? this.searchGuard : undefined, this.requestsGuard].filter((g): g is InflightWindow => !!g);
    const entered: InflightWindow[] = [];
    try {
      for (const g of guards) {
        const waited = await g.enter(signal);
        entered.push(g);
        if (waited > 0) this.metrics?.rateLimitWait?.({ connection: this.connection, bucket: g === this.searchGuard ? 'search' : 'requests', ms: Math.round(waited) });
      }
    } catch (err) {
      for (const g of entered) g.leave();
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const g of entered) g.leave();
    };
  }

  private async take(bucket: string, policy: BucketPolicy, cost: number, signal?: AbortSignal): Promise<void> {
    let waited = 0;
    for (;;) {
      const now = this.now();
      const grant = await this.backend.acquire(this.connection, bucket, policy, cost, now);
      const until = grant.granted ? grant.at : grant.retryAt;
      if (until > now) {
        waited += until - now;
        await sleep(until - now, signal);
      }
      if (grant.granted) break;
    }
    waited += await this.waitForPause(signal);
    if (waited > 0) this.metrics?.rateLimitWait?.({ connection: this.connection, bucket, ms: Math.round(waited) });
  }

  private async waitForPause(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = this.now();
      const until = await this.backend.pausedUntil(this.connection);
      if (until <= now) return waited;
      waited += until - now;
      await sleep(until - now, signal);
    }
  }

  /** Pauses every call of the connection for `ms` (a `Retry-After`). */
  async pauseFor(ms: number): Promise<void> {
    if (ms > 0) await this.backend.pause(this.connection, this.now() + ms);
  }

  /** Corrects the budget from a response's headers (the call drew on `kind`). */
  async observe(headers: { get(name: string): string | null }, kind: BudgetKind): Promise<void> {
    const now = this.now();
    const obs = readRateHeaders(headers, this.headers, now);
    if (!obs) return;
    // Window headers describe the general request window; whether vendors send separate ones
    // for search is not documented, so they never correct the search bucket.
    if (kind === 'requests' || !this.searchPolicy) {
      if (obs.limit !== undefined && this.requests && obs.limit !== this.requests.limit) {
        this.requests = { ...this.requests, limit: obs.limit };
        this.requestsPolicy = paced(this.requests, this.utilization);
        if (this.requestsGuard) this.requestsGuard.limit = obs.limit;
      }
      if (obs.remaining !== undefined && this.requestsPolicy) await this.correctWindow(obs.remaining, obs.resetAt, now);
    }
    if (obs.dailyLimit !== undefined && obs.dailyLimit !== this.dailyRawLimit) this.setDailyLimit(obs.dailyLimit);
    if (this.dailyPolicy && this.dailyRawLimit !== undefined) {
      const used = obs.dailyUsed ?? (obs.dailyRemaining !== undefined ? this.dailyRawLimit - obs.dailyRemaining : undefined);
      if (used !== undefined) await this.backend.correct(this.connection, 'daily', this.dailyPolicy, { kind: 'quota', used }, now);
    }
  }

  /**
   * The vendor says `remaining` calls are left until `resetAt`: no more than those go before the
   * reset (less our requests still in flight, which it may not have counted yet). Without a reset
   * time the window is rolling and slots free up continuously, so only an empty window holds the
   * next call back, by one interval.
   */
  private async correctWindow(remaining: number, resetAt: number | undefined, now: number): Promise<void> {
    const policy = this.requestsPolicy as PacedPolicy;
    if (resetAt !== undefined) {
      const inFlight = this.requestsGuard?.pending ?? 0;
      // One interval of margin for clock skew between us and the vendor.
      const correction = { kind: 'window' as const, remaining: Math.max(0, remaining - inFlight), resetAt: resetAt + policy.intervalMs };
      await this.backend.correct(this.connection, 'requests', policy, correction, now);
    } else if (remaining <= 0) {
      const floor = now + policy.intervalMs + (policy.burst - 1) * policy.intervalMs;
      await this.backend.correct(this.connection, 'requests', policy, { kind: 'paced', floor }, now);
    }
  }
}
