/**
 * What a crashed process on this host left behind. Its source leases and outbox claims would
 * keep a restarted process waiting until they expire (a minute), or make `syncd run --once` find
 * nothing to do. A holder named `<this host>:<pid>` whose process no longer exists is dead for
 * certain, so its leases are released and its claims expire now (`claimed_until` and
 * `next_attempt_at`, which the claim query reads as "reclaimable at"): the rows are claimed again at
 * once, each claim counting as an attempt, and are delivered with their original idempotency
 * keys. Holders on other hosts (or with custom worker ids) are left to their leases' expiry.
 */
import { hostname } from 'node:os';
import type { Scope } from '../state/scope.js';
import { tables } from '../state/tables.js';
import { releaseLease } from '../state/leases.js';

/** Whether a process of this host is running (EPERM: it runs, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RecoveryOptions {
  /** Default: this machine's host name. */
  host?: string;
  /** Default: `process.kill(pid, 0)`. */
  alive?: (pid: number) => boolean;
}

export async function releaseDeadWorkers(scope: Scope, opts: RecoveryOptions = {}): Promise<{ leases: number; claims: number }> {
  const host = opts.host ?? hostname();
  const alive = opts.alive ?? processAlive;
  const prefix = `${host}:`;
  const deadHolder = (holder: string): boolean => {
    if (!holder.startsWith(prefix)) return false;
    const pid = Number(holder.slice(prefix.length));
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
  };
  const leases = (await scope.db(tables.leases).where({ tenant: scope.tenant }).select('name', 'holder')) as Array<{ name: string; holder: string }>;
  let released = 0;
  for (const l of leases) if (deadHolder(l.holder) && (await releaseLease(scope, l.name, l.holder))) released++;
  const claimers = (await scope.db(tables.outbox).where({ tenant: scope.tenant, status: 'in_flight' }).distinct('claimed_by')) as Array<{ claimed_by: string | null }>;
  let claims = 0;
  const now = scope.now();
  for (const { claimed_by: holder } of claimers) {
    if (!holder || !deadHolder(holder)) continue;
    claims += await scope.db(tables.outbox).where({ tenant: scope.tenant, status: 'in_flight', claimed_by: holder }).update({ claimed_until: now, next_attempt_at: now, updated_at: now });
  }
  return { leases: released, claims };
}
