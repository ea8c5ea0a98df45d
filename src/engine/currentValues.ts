/**
 * `current`: the values of the target record's properties an operation `reads` to build its
 * request (Pipedrive replaces a person's whole e-mail list, so an update sends the addresses
 * syncd does not own along with the one it writes).
 */
import type { TargetPort, TargetSnapshot, TargetWrite } from './ports.js';

/** The record's values of the properties the operation reads, from a read of the record. */
export function currentOf(target: TargetPort, operation: string, live: TargetSnapshot | undefined): { current?: Record<string, unknown> } {
  const reads = target.reads?.(operation) ?? [];
  if (!live || reads.length === 0) return {};
  return { current: Object.fromEntries(reads.filter((p) => Object.hasOwn(live.fields, p)).map((p) => [p, live.fields[p]])) };
}

/**
 * The writes with `current` read again just before they are sent. The values read when a write
 * was planned may be minutes or hours old by then (a retry, a rate limit, a paused connection):
 * sent as they are, they would put back entries a user removed since and drop those added. A
 * record the read no longer finds keeps the values it was planned with; the write then fails as
 * the vendor says. A failing read throws: the batch is sent later, nothing is lost.
 */
export async function withCurrentNow(target: TargetPort, writes: TargetWrite[], signal: AbortSignal): Promise<TargetWrite[]> {
  const ids = [...new Set(writes.flatMap((w) => (w.current && w.remoteId !== undefined ? [w.remoteId] : [])))];
  if (ids.length === 0 || !target.read) return writes;
  const live = await target.read(ids, signal);
  return writes.map((w) => {
    const now = w.current && w.remoteId !== undefined ? live.get(w.remoteId) : undefined;
    return now ? { ...w, ...currentOf(target, w.operation, now) } : w;
  });
}
