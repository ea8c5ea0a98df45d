/** The budget of one process, kept in memory. */
import type { BucketCorrection, BucketPolicy, BudgetBackend, Grant } from './backend.js';

interface PacedState {
  kind: 'paced';
  /** Theoretical arrival time of the next unit. */
  tat: number;
  /** What the vendor said is left in its current window, until `windowResetAt`. */
  windowRemaining?: number;
  windowResetAt?: number;
}

interface QuotaState {
  kind: 'quota';
  periodStart: number;
  used: number;
  /** The vendor's limit when its headers gave one. */
  limit?: number;
  resetAt?: number;
}

type State = PacedState | QuotaState;

export class MemoryBudgetBackend implements BudgetBackend {
  private readonly states = new Map<string, State>();
  private readonly pauses = new Map<string, number>();

  private state(connection: string, bucket: string, policy: BucketPolicy, now: number): State {
    const key = `${connection}\u0000${bucket}`;
    let s = this.states.get(key);
    if (!s || s.kind !== policy.kind) {
      s = policy.kind === 'paced' ? { kind: 'paced', tat: now } : { kind: 'quota', periodStart: now, used: 0 };
      this.states.set(key, s);
    }
    return s;
  }

  async acquire(connection: string, bucket: string, policy: BucketPolicy, cost: number, now: number): Promise<Grant> {
    const pausedUntil = this.pauses.get(connection) ?? 0;
    if (pausedUntil > now) return { granted: false, retryAt: pausedUntil };
    const s = this.state(connection, bucket, policy, now);
    if (s.kind === 'paced' && policy.kind === 'paced') {
      if (s.windowResetAt !== undefined && s.windowResetAt > now && s.windowRemaining !== undefined) {
        if (s.windowRemaining < cost) return { granted: false, retryAt: s.windowResetAt };
        s.windowRemaining -= cost;
      }
      const tolerance = (policy.burst - 1) * policy.intervalMs;
      const at = Math.max(now, s.tat - tolerance);
      s.tat = Math.max(s.tat, now) + cost * policy.intervalMs;
      return { granted: true, at };
    }
    if (s.kind === 'quota' && policy.kind === 'quota') {
      const resetAt = s.resetAt ?? s.periodStart + policy.periodMs;
      if (now >= resetAt) {
        s.periodStart = now;
        s.used = 0;
        delete s.resetAt;
      }
      const limit = s.limit ?? policy.limit;
      if (s.used + cost > limit) return { granted: false, retryAt: s.resetAt ?? s.periodStart + policy.periodMs };
      s.used += cost;
      return { granted: true, at: now };
    }
    throw new Error('unreachable: bucket kind mismatch');
  }

  async correct(connection: string, bucket: string, policy: BucketPolicy, c: BucketCorrection, now: number): Promise<void> {
    const s = this.state(connection, bucket, policy, now);
    if (s.kind === 'paced' && c.kind === 'paced') {
      s.tat = Math.max(s.tat, c.floor);
    } else if (s.kind === 'paced' && c.kind === 'window') {
      s.windowRemaining = c.remaining;
      s.windowResetAt = c.resetAt;
    } else if (s.kind === 'quota' && c.kind === 'quota') {
      if (c.used !== undefined) s.used = c.used;
      if (c.limit !== undefined) s.limit = c.limit;
      if (c.resetAt !== undefined) s.resetAt = c.resetAt;
    }
  }

  async pause(connection: string, until: number): Promise<void> {
    if ((this.pauses.get(connection) ?? 0) < until) this.pauses.set(connection, until);
  }

  async pausedUntil(connection: string): Promise<number> {
    return this.pauses.get(connection) ?? 0;
  }
}
