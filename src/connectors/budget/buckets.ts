/**
 * The arithmetic of a rate budget's buckets, as pure functions of (state, policy, now). Every
 * backend applies these: the in-memory one to a map, a database one to a row it holds locked, so
 * one process and many workers follow the same algorithm. States are plain JSON (numbers only), to
 * be stored as they are.
 */
import type { BucketCorrection, BucketPolicy, Grant } from './backend.js';

export interface PacedState {
  kind: 'paced';
  /** Theoretical arrival time of the next unit (epoch ms). */
  tat: number;
  /** What the vendor said is left in its current window, until `windowResetAt`. */
  windowRemaining?: number;
  windowResetAt?: number;
}

export interface QuotaState {
  kind: 'quota';
  periodStart: number;
  used: number;
  /** The vendor's limit when its headers gave one. */
  limit?: number;
  resetAt?: number;
}

export type BucketState = PacedState | QuotaState;

export interface BucketStep<T> {
  result: T;
  /** The bucket's state after the step; store it in place of the one given. */
  state: BucketState;
}

/** The state a bucket starts from, or restarts from when its policy changed kind. */
function current(state: BucketState | undefined, policy: BucketPolicy, now: number): BucketState {
  if (state && state.kind === policy.kind) return { ...state };
  return policy.kind === 'paced' ? { kind: 'paced', tat: now } : { kind: 'quota', periodStart: now, used: 0 };
}

/** Reserves `cost` units of a bucket (the connection's pause is checked by the caller: `pausedGrant`). */
export function acquireBucket(state: BucketState | undefined, policy: BucketPolicy, cost: number, now: number): BucketStep<Grant> {
  const s = current(state, policy, now);
  if (s.kind === 'paced' && policy.kind === 'paced') {
    if (s.windowResetAt !== undefined && s.windowResetAt > now && s.windowRemaining !== undefined) {
      if (s.windowRemaining < cost) return { result: { granted: false, retryAt: s.windowResetAt }, state: s };
      s.windowRemaining -= cost;
    }
    const tolerance = (policy.burst - 1) * policy.intervalMs;
    const at = Math.max(now, s.tat - tolerance);
    s.tat = Math.max(s.tat, now) + cost * policy.intervalMs;
    return { result: { granted: true, at }, state: s };
  }
  if (s.kind === 'quota' && policy.kind === 'quota') {
    const resetAt = s.resetAt ?? s.periodStart + policy.periodMs;
    if (now >= resetAt) {
      s.periodStart = now;
      s.used = 0;
      delete s.resetAt;
    }
    const limit = s.limit ?? policy.limit;
    if (s.used + cost > limit) return { result: { granted: false, retryAt: s.resetAt ?? s.periodStart + policy.periodMs }, state: s };
    s.used += cost;
    return { result: { granted: true, at: now }, state: s };
  }
  throw new Error('unreachable: bucket kind mismatch');
}

/** Applies a correction from the vendor's headers; one of another kind than the bucket is ignored. */
export function correctBucket(state: BucketState | undefined, policy: BucketPolicy, c: BucketCorrection, now: number): BucketState {
  const s = current(state, policy, now);
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
  return s;
}

/** The refusal a paused connection gives (undefined when it is not paused at `now`). */
export function pausedGrant(pausedUntil: number, now: number): Grant | undefined {
  return pausedUntil > now ? { granted: false, retryAt: pausedUntil } : undefined;
}

/** A shorter pause never shortens a longer one. */
export function extendPause(pausedUntil: number, until: number): number {
  return Math.max(pausedUntil, until);
}
