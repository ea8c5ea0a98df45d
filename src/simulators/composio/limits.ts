/**
 * The organization's rate limit (FACTS §4.5): one fixed window over every authenticated
 * endpoint, reported on each answer in `X-RateLimit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Window-Size`; `Retry-After` comes only with a 429.
 */
import type { FastifyReply } from 'fastify';
import { FixedWindow } from '../kit/windows.js';

export class ComposioLimiter {
  readonly window: FixedWindow;

  constructor(limit: number, windowMs: number) {
    this.window = new FixedWindow(limit, windowMs);
  }

  /** Takes one request; false when the window is used up (refused requests do not count). */
  take(now: number): boolean {
    return this.window.tryTake(now);
  }

  setHeaders(reply: FastifyReply, now: number): void {
    reply.header('X-RateLimit', String(this.window.limit));
    reply.header('X-RateLimit-Remaining', String(this.window.remaining(now)));
    reply.header('X-RateLimit-Window-Size', `${Math.round(this.window.windowMs / 1000)}s`);
  }

  /** Whole seconds until the window resets (at least 1). */
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil(this.window.msUntilReset(now) / 1000));
  }

  reset(): void {
    this.window.reset();
  }
}
