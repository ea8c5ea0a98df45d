/**
 * Storage of rate budgets. A connection's budget is a few named buckets (`requests`, `search`,
 * `daily`) plus a pause set by `Retry-After`. The in-memory backend serves one process; a
 * database backend implements the same calls atomically so that every worker sharing a
 * connection draws on one budget (DESIGN §4).
 */

/**
 * A paced bucket: one unit every `intervalMs`, with `burst` units allowed at once. This is the
 * generic cell rate algorithm (a token bucket kept as a "theoretical arrival time"), so a
 * reservation fixes its slot at once and a waiter that wakes late does not shift later slots.
 */
export interface PacedPolicy {
  kind: 'paced';
  intervalMs: number;
  burst: number;
}

/** A quota of `limit` units per fixed period (a daily budget). */
export interface QuotaPolicy {
  kind: 'quota';
  limit: number;
  periodMs: number;
}

export type BucketPolicy = PacedPolicy | QuotaPolicy;

export type Grant =
  /** The units are reserved; use them at `at` (epoch ms, possibly now). */
  | { granted: true; at: number }
  /** Nothing reserved; ask again at `retryAt` (quota exhausted or connection paused). */
  | { granted: false; retryAt: number };

/**
 * A live correction of a bucket from the vendor's headers, already turned into bucket terms by
 * the rate budget so a backend only stores it.
 */
export type BucketCorrection =
  /** Paced bucket: its theoretical arrival time is raised to at least `floor` (epoch ms). */
  | { kind: 'paced'; floor: number }
  /** Paced bucket: at most `remaining` more units before `resetAt` (epoch ms), on top of the pacing. */
  | { kind: 'window'; remaining: number; resetAt: number }
  /** Quota bucket: units used in the current period, the vendor's limit, and when it resets. */
  | { kind: 'quota'; used?: number; limit?: number; resetAt?: number };

export interface BudgetBackend {
  /** Reserves `cost` units of `bucket` for `connection`, honouring a pause. */
  acquire(connection: string, bucket: string, policy: BucketPolicy, cost: number, now: number): Promise<Grant>;
  /** Applies what the vendor's headers said. */
  correct(connection: string, bucket: string, policy: BucketPolicy, correction: BucketCorrection, now: number): Promise<void>;
  /** Stops every call of the connection until `until` (epoch ms); a shorter pause never shortens a longer one. */
  pause(connection: string, until: number): Promise<void>;
  /** Epoch ms until which the connection is paused (0 when it is not). */
  pausedUntil(connection: string): Promise<number>;
}
