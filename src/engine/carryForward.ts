/**
 * A write planned while an older write of its record is in flight starts from the state that the
 * older write agrees on (see `inFlight` in the planner), so it carries only what changed since.
 * When the older write then comes back without reaching the target (to be retried, parked for a
 * reconnect, dead-lettered or failed), its changes would be lost behind the newer one, whose base
 * records them as agreed. They are folded into the newer write instead, the newer value of a
 * property winning: the result is the write the planner would have made had the older one never
 * been in flight.
 */
import type { AuditInput } from '../state/audit.js';
import type { OutboxRow } from '../state/outbox/rows.js';
import { reviseWaitingWrite, waitingWritesAfter } from '../state/outbox/waiting.js';
import type { Scope } from '../state/scope.js';
import type { WritePayload } from './planner.js';

export interface CarriedForward {
  /** The newer write that now carries each older write's changes, by the older write's id. */
  into: Map<number, OutboxRow>;
  audit: AuditInput[];
}

/**
 * Folds each unsent write's values into the newer waiting writes of its record (same operation and
 * target record). `notBefore` holds a revised write back as long as the older one would have
 * waited, so a retry after a 429 does not go out early under another name.
 */
export async function carryForward(scope: Scope, pipeline: string, unsent: ReadonlyArray<{ row: OutboxRow; notBefore?: number }>): Promise<CarriedForward> {
  const out: CarriedForward = { into: new Map(), audit: [] };
  const newer = await waitingWritesAfter(scope, pipeline, unsent.map((u) => u.row));
  if (newer.length === 0) return out;
  // Newest first: each fold puts older values under everything folded in so far, so precedence
  // follows the order the record's versions were planned in.
  const byAge = [...unsent].sort((a, b) => b.row.id - a.row.id);
  for (const { row, notBefore } of byAge) {
    const older = row.payload as WritePayload;
    for (const n of newer) {
      const payload = n.payload as WritePayload;
      if (n.recordKey !== row.recordKey || n.id <= row.id || n.operation !== row.operation || payload.targetId !== older.targetId) continue;
      const added = Object.keys(older.values).filter((k) => !Object.hasOwn(payload.values, k));
      const values = { ...older.values, ...payload.values };
      // The intent on the trail still lists the values as planned; `write.carried` lists the change.
      const revised: WritePayload = { ...payload, values, ...(payload.intent ? { intent: { ...payload.intent, after: payload.intent.after ?? payload.values } } : {}) };
      if (!(await reviseWaitingWrite(scope, n.id, { payload: revised, ...(notBefore !== undefined ? { notBefore } : {}) }))) continue;
      n.payload = revised;
      out.into.set(row.id, n);
      out.audit.push({
        actor: `pipeline:${pipeline}`,
        action: 'write.carried',
        pipeline,
        recordKey: n.recordKey,
        connection: n.connection,
        idempotencyKey: n.idempotencyKey,
        ...(n.correlationId ? { correlationId: n.correlationId } : {}),
        before: payload.values,
        after: values,
        decision: { from: row.idempotencyKey, properties: added },
      });
    }
  }
  return out;
}
