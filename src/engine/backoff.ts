/** Exponential backoff with full jitter: a random wait in [0, min(max, initial · 2^(attempt-1))]. */
export interface BackoffPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
