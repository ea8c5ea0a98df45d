/**
 * The account's rate limits (FACTS §1.7): a rolling 10 s window and a daily budget shared by every
 * token of the portal, plus the per-second search limit. Every accepted API call reports the
 * budget in the X-HubSpot-RateLimit-* headers.
 */
import type { FastifyReply } from 'fastify';
import { DailyBudget, RollingWindow } from '../kit/windows.js';
import type { RateLimitPolicy } from './errors.js';

export const TEN_SECOND_WINDOW_MS = 10_000;

export class HubspotLimiter {
  readonly tenSecond: RollingWindow;
  readonly search: RollingWindow;
  readonly daily: DailyBudget;
  private day = utcDay(Date.now());

  constructor(limits: { tenSecond: number; daily: number; searchPerSecond: number }) {
    this.tenSecond = new RollingWindow(limits.tenSecond, TEN_SECOND_WINDOW_MS);
    this.search = new RollingWindow(limits.searchPerSecond, 1000);
    this.daily = new DailyBudget(limits.daily);
  }

  reset(): void {
    this.tenSecond.reset();
    this.search.reset();
    this.daily.reset();
    this.day = utcDay(Date.now());
  }

  /**
   * Takes one request from the budgets; returns the policy that refused it, if any. Refused
   * requests do not count. HubSpot resets the daily budget at midnight in the account's time
   * zone; the simulated account lives in UTC.
   */
  take(now: number, isSearch: boolean): RateLimitPolicy | undefined {
    const d = utcDay(now);
    if (d !== this.day) {
      this.day = d;
      this.daily.reset();
    }
    if (this.daily.remaining() <= 0) return 'DAILY';
    if (!this.tenSecond.tryTake(now)) return 'TEN_SECONDLY_ROLLING';
    if (isSearch && !this.search.tryTake(now)) return 'SECONDLY';
    this.daily.tryTake();
    return undefined;
  }

  /** Milliseconds until the refusing policy lets a request through again. */
  retryAfterMs(policy: RateLimitPolicy, now: number): number {
    if (policy === 'DAILY') return 86_400_000 - (now % 86_400_000);
    if (policy === 'SECONDLY') return this.search.msUntilFree(now);
    return this.tenSecond.msUntilFree(now);
  }

  setHeaders(reply: FastifyReply, now: number): void {
    reply.header('X-HubSpot-RateLimit-Interval-Milliseconds', '10000');
    reply.header('X-HubSpot-RateLimit-Max', String(this.tenSecond.limit));
    reply.header('X-HubSpot-RateLimit-Remaining', String(this.tenSecond.remaining(now)));
    // Some sources say the daily pair is not sent for OAuth tokens [2nd]; it is always sent here.
    reply.header('X-HubSpot-RateLimit-Daily', String(this.daily.limit));
    reply.header('X-HubSpot-RateLimit-Daily-Remaining', String(this.daily.remaining()));
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
