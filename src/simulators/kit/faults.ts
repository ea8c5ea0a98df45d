/**
 * Switchable fault modes shared by every simulator. A fault is either a rate (drawn from the
 * simulator's seeded random source, so runs repeat) or a scripted queue ("fail the next 3 calls
 * to /crm/v3/objects with 503"), which tests prefer because it is exact.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export type ScriptedFaultKind = 'server_error' | 'rate_limit' | 'timeout' | 'drop' | 'unauthorized' | 'latency';

export interface ScriptedFault {
  kind: ScriptedFaultKind;
  /** How many matching requests this fault applies to. */
  count: number;
  /** Only requests whose path contains this string. */
  pathContains?: string;
  /** Only requests with this method. */
  method?: string;
  /** HTTP status for `server_error` (default 503). */
  status?: number;
  /** Seconds for `Retry-After` on `rate_limit` (vendor default when absent). */
  retryAfterSeconds?: number;
  /** Delay for `latency` (default 200 ms). */
  delayMs?: number;
}

export interface FaultConfig {
  /** Added to every API response. */
  latencyMs: number;
  /** Fraction of requests answered with a 5xx. */
  serverErrorRate: number;
  serverErrorStatus: number;
  /** Fraction of requests that are never answered until the connection is cut after `hangMs`. */
  timeoutRate: number;
  hangMs: number;
  /** Fraction of requests whose connection is reset without an answer. */
  dropRate: number;
  /** Every request is rate limited. */
  rateLimitStorm: boolean;
  /** Every access token issued so far is treated as expired (a refresh issues a fresh one). */
  expireTokens: boolean;
  /** Credentials are revoked: calls and refreshes both fail until cleared. */
  revoked: boolean;
  scripted: ScriptedFault[];
}

export const DEFAULT_FAULTS: FaultConfig = {
  latencyMs: 0,
  serverErrorRate: 0,
  serverErrorStatus: 503,
  timeoutRate: 0,
  hangMs: 30_000,
  dropRate: 0,
  rateLimitStorm: false,
  expireTokens: false,
  revoked: false,
  scripted: [],
};

/** How a vendor words its errors; each simulator supplies its own bodies and headers. */
export interface VendorErrorResponder {
  serverError(reply: FastifyReply, status: number): FastifyReply;
  rateLimited(reply: FastifyReply, retryAfterSeconds: number | undefined): FastifyReply;
  unauthorized(reply: FastifyReply, reason: 'expired' | 'revoked' | 'invalid'): FastifyReply;
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'server_error'; status: number; delayMs: number }
  | { kind: 'rate_limit'; retryAfterSeconds?: number; delayMs: number }
  | { kind: 'timeout'; hangMs: number }
  | { kind: 'drop' }
  | { kind: 'unauthorized'; delayMs: number };

export class FaultController {
  config: FaultConfig = structuredClone(DEFAULT_FAULTS);
  /** Counts of faults actually injected, by kind (inspectable through the admin API). */
  readonly injected: Record<string, number> = {};

  constructor(private readonly rand: () => number) {}

  set(patch: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...patch, scripted: patch.scripted ?? this.config.scripted };
    return this.config;
  }

  /** Queues a scripted fault. */
  script(fault: ScriptedFault): void {
    this.config.scripted.push({ ...fault });
  }

  reset(): void {
    this.config = structuredClone(DEFAULT_FAULTS);
    for (const k of Object.keys(this.injected)) delete this.injected[k];
  }

  private count(kind: string): void {
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
  }

  /** Decides what happens to one API request. Scripted faults first, then storms, then rates. */
  decide(method: string, path: string): FaultDecision {
    const c = this.config;
    let delayMs = c.latencyMs;
    const idx = c.scripted.findIndex(
      (f) => f.count > 0 && (!f.pathContains || path.includes(f.pathContains)) && (!f.method || f.method === method),
    );
    if (idx >= 0) {
      const f = c.scripted[idx] as ScriptedFault;
      f.count -= 1;
      if (f.count <= 0) c.scripted.splice(idx, 1);
      this.count(f.kind);
      switch (f.kind) {
        case 'server_error':
          return { kind: 'server_error', status: f.status ?? 503, delayMs };
        case 'rate_limit':
          return { kind: 'rate_limit', retryAfterSeconds: f.retryAfterSeconds, delayMs };
        case 'timeout':
          return { kind: 'timeout', hangMs: c.hangMs };
        case 'drop':
          return { kind: 'drop' };
        case 'unauthorized':
          return { kind: 'unauthorized', delayMs };
        case 'latency':
          delayMs += f.delayMs ?? 200;
          break;
      }
    }
    if (c.rateLimitStorm) {
      this.count('rate_limit');
      return { kind: 'rate_limit', delayMs };
    }
    if (c.dropRate > 0 && this.rand() < c.dropRate) {
      this.count('drop');
      return { kind: 'drop' };
    }
    if (c.timeoutRate > 0 && this.rand() < c.timeoutRate) {
      this.count('timeout');
      return { kind: 'timeout', hangMs: c.hangMs };
    }
    if (c.serverErrorRate > 0 && this.rand() < c.serverErrorRate) {
      this.count('server_error');
      return { kind: 'server_error', status: c.serverErrorStatus, delayMs };
    }
    return { kind: 'none', delayMs };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Applies a decision to a request. Returns true when the request was answered (or cut) here and
 * the route must not run.
 */
export async function applyFault(
  decision: FaultDecision,
  request: FastifyRequest,
  reply: FastifyReply,
  vendor: VendorErrorResponder,
): Promise<boolean> {
  if ('delayMs' in decision && decision.delayMs > 0) await sleep(decision.delayMs);
  switch (decision.kind) {
    case 'none':
      return false;
    case 'server_error':
      vendor.serverError(reply, decision.status);
      return true;
    case 'rate_limit':
      vendor.rateLimited(reply, decision.retryAfterSeconds);
      return true;
    case 'unauthorized':
      vendor.unauthorized(reply, 'expired');
      return true;
    case 'drop':
      request.raw.socket.destroy();
      reply.hijack();
      return true;
    case 'timeout': {
      reply.hijack();
      const socket = request.raw.socket;
      const timer = setTimeout(() => socket.destroy(), decision.hangMs);
      socket.once('close', () => clearTimeout(timer));
      return true;
    }
  }
}
