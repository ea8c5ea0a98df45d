/**
 * Readiness: the daemon is ready when every registered check says so (the store answers, the
 * pipelines have started). Checks run concurrently, each within a time budget, on every probe.
 */
import { redactSecrets } from '../telemetry/secrets.js';

export type ReadinessResult = boolean | { ready: true } | { ready: false; reason: string };

export interface ReadinessCheck {
  /** Short name shown in the `/readyz` answer, e.g. `store` or `pipelines`. */
  name: string;
  /** Answers `false` or `{ready: false, reason}` when not ready; a throw counts as not ready. */
  check(): ReadinessResult | Promise<ReadinessResult>;
}

export interface CheckOutcome {
  name: string;
  ready: boolean;
  reason?: string;
}

export async function runReadinessChecks(checks: readonly ReadinessCheck[], timeoutMs: number): Promise<CheckOutcome[]> {
  return Promise.all(checks.map((c) => runOne(c, timeoutMs)));
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ name: check.name, ready: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answer = (async (): Promise<CheckOutcome> => {
    try {
      const r = await check.check();
      if (r === true) return { name: check.name, ready: true };
      if (r === false) return { name: check.name, ready: false, reason: 'not ready' };
      return r.ready ? { name: check.name, ready: true } : { name: check.name, ready: false, reason: redactSecrets(r.reason) };
    } catch (err) {
      return { name: check.name, ready: false, reason: redactSecrets(err instanceof Error ? err.message : String(err)) };
    }
  })();
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
