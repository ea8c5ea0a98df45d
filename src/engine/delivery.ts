/**
 * The delivery side of a pipeline: claims due outbox rows, writes them through the target port in
 * batches, and settles each outcome by its error class (DESIGN §3):
 * - ok: row done, link recorded, bases saved (the attempt row is the audit trail's `write.ok`);
 * - transient: retried with backoff and full jitter (or `Retry-After`), then the dead letter queue;
 * - auth: the connection is marked needs-reconnect and its rows wait; nothing is dropped;
 * - mapping / conflict: terminal for that record, with a reconciliation item; the batch goes on.
 */
import type { Scope } from '../state/scope.js';
import type { OutboxRow } from '../state/outbox/rows.js';
import { claimBatch } from '../state/outbox/claim.js';
import { claimsLost, completeOutbox, failOutbox, moveToDeadLetter, releaseClaimed, retryLater, supersedeClaimed } from '../state/outbox/outcomes.js';
import { carryForward } from './carryForward.js';
import type { Handoff } from './handoff.js';
import { markNeedsReconnect } from '../state/connections.js';
import { upsertLinks, type LinkInput } from '../state/links.js';
import { recordAutoLinks, type AutoLinkRecord } from '../state/reviewQueue.js';
import { saveFieldBases, type FieldBaseInput } from '../state/fieldBases.js';
import { appendAudit, type AuditInput } from '../state/audit.js';
import { openReconciliationItem, type ReconciliationItem } from '../state/reconciliation.js';
import { emitConflicts } from './pipelineTelemetry.js';
import { recordDeliveries, type DeliveryAttempt } from '../state/deliveries.js';
import type { Orientation } from './orientation.js';
import type { TargetPort, TargetWrite, WriteOutcome } from './ports.js';
import { withCurrentNow } from './currentValues.js';
import { isConnectorError } from '../connectors/errors.js';
import type { WritePayload } from './planner.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { ConnectionNeedsReconnect, DeadLettered, SyncCompleted, SyncFailed, SyncStarted, WriteRetried, type SyncFields, type Telemetry } from '../telemetry/events.js';

export interface DeliveryContext {
  pipeline: string;
  connection: string;
  /** Connector name recorded with a needs-reconnect status. */
  connector: string;
  worker: string;
  target: TargetPort;
  orientation: Orientation;
  retry: BackoffPolicy;
  deadLetter: boolean;
  /** Claim this many rows per round. */
  claimLimit: number;
  /**
   * Most write calls of one round in flight at once. A round's batches go out together and are
   * settled in one transaction: on SQLite each commit rewrites every page it touched, so settling
   * four batches at once costs little more than settling one.
   * @defaultValue 1
   */
  requestsInFlight?: number;
  leaseMs: number;
  /**
   * Writes the source stage committed already claimed for this worker, delivered before anything
   * is claimed. A round they fill still claims one call's worth from the outbox, so retries that
   * came due are not held up behind a backfill.
   */
  handoff?: Handoff;
  /** Called after each settled batch (metrics, progress). */
  onSettled?: (summary: SettledSummary) => void;
  tenant?: string;
  /** Emits the `integration.crm.sync_*` events for every write. */
  telemetry?: Telemetry;
}

function syncFields(ctx: DeliveryContext, row: OutboxRow): SyncFields {
  return {
    tenant: ctx.tenant ?? 'default',
    pipeline: ctx.pipeline,
    record_id: row.recordKey,
    // The quote scenario's events name the quote; the local end of a Quotey pipeline is its quotes table.
    ...(/(^|\.)quotes?$/.test(ctx.orientation.localObject) ? { quote_id: row.recordKey } : {}),
    operation_id: `${row.idempotencyKey}:${row.attempts}`,
    correlation_id: row.correlationId ?? row.idempotencyKey,
    connector: ctx.orientation.remote.connector,
  };
}

export interface SettledSummary {
  ok: number;
  retried: number;
  deadLettered: number;
  failed: number;
  pausedForAuth: number;
}

type Failure = Extract<WriteOutcome, { ok: false }>;

/** How far apart workers' clocks may be: a claim this close to its end may be another's already. */
const CLOCK_SKEW_MS = 5_000;

/** Who and which write an audit entry about a write is about; the caller adds what happened. */
function auditBase(ctx: DeliveryContext, row: OutboxRow, action: string): AuditInput {
  return {
    actor: `pipeline:${ctx.pipeline}`,
    pipeline: ctx.pipeline,
    recordKey: row.recordKey,
    connection: ctx.connection,
    idempotencyKey: row.idempotencyKey,
    ...(row.correlationId ? { correlationId: row.correlationId } : {}),
    action,
  };
}

function toWrite(row: OutboxRow): TargetWrite {
  const p = row.payload as WritePayload;
  return {
    id: row.id,
    recordKey: row.recordKey,
    ...(p.targetId !== undefined ? { remoteId: p.targetId } : {}),
    operation: row.operation,
    values: p.values,
    ...(p.current ? { current: p.current } : {}),
    idempotencyKey: row.idempotencyKey,
    ...(row.correlationId ? { correlationId: row.correlationId } : {}),
  };
}

/** Claims and settles one round. Returns how many rows it handled (0: nothing was due). */
export async function deliverOnce(scope: Scope, ctx: DeliveryContext, signal: AbortSignal): Promise<number> {
  const { rows: handed, stale } = ctx.handoff?.take(ctx.claimLimit, scope.now()) ?? { rows: [], stale: [] };
  // Given back unsent, so the claim below takes them again now, at the attempt they were at.
  if (stale.length) await releaseClaimed(scope, stale.map((r) => r.id), ctx.worker);
  const perCall = Math.ceil(ctx.claimLimit / Math.max(1, ctx.requestsInFlight ?? 1));
  const limit = handed.length >= ctx.claimLimit ? perCall : ctx.claimLimit - handed.length;
  const claimed = await claimBatch(scope, { limit, worker: ctx.worker, leaseMs: ctx.leaseMs, pipeline: ctx.pipeline, connection: ctx.connection });
  // A row still held here may have been taken over by a claim (its own claim having expired).
  if (ctx.handoff && claimed.length) ctx.handoff.forget(claimed.map((r) => r.id));
  const rows = handed.length ? [...handed, ...claimed] : claimed;
  if (rows.length === 0) return 0;
  if (ctx.telemetry) for (const r of rows) ctx.telemetry.emit(SyncStarted, syncFields(ctx, r));
  const byOperation = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    let list = byOperation.get(r.operation);
    if (!list) byOperation.set(r.operation, (list = []));
    list.push(r);
  }
  const batches: OutboxRow[][] = [];
  for (const [operation, list] of byOperation) {
    const size = Math.max(1, ctx.target.maxBatch(operation));
    for (let i = 0; i < list.length; i += size) batches.push(list.slice(i, i + size));
  }
  const attempts: Attempted[] = [];
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] as OutboxRow[];
      const started = Date.now();
      let outcomes: WriteOutcome[];
      try {
        outcomes = await ctx.target.write(await withCurrentNow(ctx.target, batch.map(toWrite), signal), signal);
      } catch (err) {
        // A whole-call failure the port could not classify (or a failed read of `current`):
        // transient, sent again later, never lost; a connector's own class (auth) is kept.
        const message = err instanceof Error ? err.message : String(err);
        const errorClass = isConnectorError(err) && err.class === 'auth' ? 'auth' : 'transient';
        outcomes = batch.map(() => ({ ok: false, errorClass, message }));
      }
      attempts.push({ rows: batch, outcomes, durationMs: Date.now() - started });
    }
  };
  await Promise.all(Array.from({ length: Math.min(batches.length, Math.max(1, ctx.requestsInFlight ?? 1)) }, sender));
  await settle(scope, ctx, attempts);
  return rows.length;
}

/** One write call of a round: its rows, what the target answered for each, and how long it took. */
interface Attempted {
  rows: OutboxRow[];
  outcomes: WriteOutcome[];
  durationMs: number;
}

async function settle(scope: Scope, ctx: DeliveryContext, calls: Attempted[]): Promise<void> {
  const rows = calls.flatMap((c) => c.rows);
  const outcomes = calls.flatMap((c) => c.rows.map((_, i) => c.outcomes[i]));
  const durations = calls.flatMap((c) => c.rows.map(() => c.durationMs));
  const summary: SettledSummary = { ok: 0, retried: 0, deadLettered: 0, failed: 0, pausedForAuth: 0 };
  const attempts: DeliveryAttempt[] = [];
  const audit: AuditInput[] = [];
  const okRows: OutboxRow[] = [];
  /** Written rows another worker holds now: that worker settles them, and reports them. */
  let lost = new Set<number>();
  const bases: FieldBaseInput[] = [];
  const authRows: OutboxRow[] = [];
  /** The failure that took the connection from active to needs-reconnect in this settle, if one did. */
  let paused: Failure | undefined;
  const conflicts: ReconciliationItem[] = [];
  const retries: Array<{ row: OutboxRow; delay: number; f: Failure }> = [];
  const dead: Array<{ row: OutboxRow; f: Failure }> = [];
  const terminal: Array<{ row: OutboxRow; f: Failure }> = [];
  // One jittered delay per settled batch: rows that failed together come due together and go
  // out as one batch again, instead of scattering into many small ones (more calls under a 429).
  let batchDelay: number | undefined;
  const linkInputs: LinkInput[] = [];
  /** The payload of each entry of `linkInputs`, and whether the write created the target record. */
  const linked: Array<{ payload: WritePayload; created: boolean }> = [];
  /** Writes to be sent again that a newer write of their record now carries instead. */
  const replaced = new Set<number>();
  const retryDelay = (row: OutboxRow, f: Failure): number => f.retryAfterMs ?? (batchDelay ??= backoffDelay(ctx.retry, row.attempts));

  await scope.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as OutboxRow;
      const outcome: WriteOutcome = outcomes[i] ?? { ok: false, errorClass: 'transient', message: 'the target returned no outcome for this write' };
      const durationMs = durations[i] as number;
      const payload = row.payload as WritePayload;
      // The attempt is also the write's outcome on the audit trail (`write.ok` / `write.failed`).
      const attempt: DeliveryAttempt = { outboxId: row.id, attempt: row.attempts, outcome: outcome.ok ? 'ok' : outcome.errorClass, durationMs, worker: ctx.worker };
      attempts.push(attempt);
      if (outcome.ok) {
        okRows.push(row);
        const remoteId = ctx.orientation.sourceIsLocal ? outcome.remoteId ?? payload.link.remoteId ?? payload.targetId : payload.link.remoteId;
        if (remoteId !== undefined) attempt.remoteId = String(remoteId);
        if (outcome.created !== undefined) attempt.created = outcome.created;
        // A write of a linked record leaves its link as it is: the link keeps how it was made
        // (strategy, score) and costs no row. A new link, or a record the CRM now names by
        // another id, is recorded.
        const known = payload.link.linkId !== undefined && (remoteId === undefined || String(remoteId) === payload.link.remoteId);
        if (known) {
          const linkId = payload.link.linkId as number;
          for (const [field, value] of Object.entries(payload.base)) bases.push({ linkId, field, value });
        } else if (remoteId !== undefined) {
          linkInputs.push({
            local: { object: ctx.orientation.localObject, key: payload.link.localKey },
            remote: { ...ctx.orientation.remote, id: String(remoteId) },
            pipeline: ctx.pipeline,
            strategy: payload.link.strategy,
            score: payload.link.score,
          });
          linked.push({ payload, created: outcome.created === true });
        }
        continue;
      }
      attempt.errorClass = outcome.errorClass;
      attempt.error = outcome.message;
      if (outcome.status !== undefined) attempt.statusCode = outcome.status;
      if (outcome.errorClass === 'transient') {
        if (row.attempts >= ctx.retry.attempts) dead.push({ row, f: outcome });
        else retries.push({ row, delay: retryDelay(row, outcome), f: outcome });
      } else if (outcome.errorClass === 'auth') authRows.push(row);
      else terminal.push({ row, f: outcome });
    }
    // Links of the whole batch in one round trip; the bases follow their link ids.
    // A side linked to another record meanwhile (two CRM records naming one row, planned in
    // different pages): the write is done, the pair is not linked, and an operator is told.
    const links = await upsertLinks(tx, linkInputs, { skipTaken: true });
    const taken: LinkInput[] = [];
    const autoLinked: AutoLinkRecord[] = [];
    links.forEach((link, n) => {
      const { payload, created } = linked[n] as { payload: WritePayload; created: boolean };
      if (!link) {
        taken.push(linkInputs[n] as LinkInput);
        return;
      }
      for (const [field, value] of Object.entries(payload.base)) bases.push({ linkId: link.id, field, value });
      // A match (external id, key, fuzzy name) made now is listed for review, so an operator can
      // correct it. An upsert by external id that created the record matched nothing: no review.
      if (payload.link.linkId === undefined && !created && payload.link.strategy !== 'created' && payload.link.strategy !== 'existing_link') {
        autoLinked.push({ pipeline: ctx.pipeline, local: link.local, remote: link.remote, strategy: payload.link.strategy, score: payload.link.score, linkId: link.id });
      }
    });
    await recordAutoLinks(tx, autoLinked);
    for (const input of taken) {
      const { item, isNew } = await openReconciliationItem(tx, {
        kind: 'conflict',
        pipeline: ctx.pipeline,
        recordKey: input.local.key,
        payload: {
          stage: 'link',
          message: `${input.local.object} ${input.local.key} and ${input.remote.connector} ${input.remote.object} ${input.remote.id} were written as one record, but one of them is linked to another record`,
          remoteId: input.remote.id,
          action: `merge the duplicate records, or correct the one that names the wrong record; the pair stays unlinked until then`,
        },
        // The planner's item for the same pair, when it sees the link first.
        dedupeKey: `identity:${ctx.pipeline}:${input.local.key}:${input.remote.id}`,
      });
      if (isNew) conflicts.push(item);
    }
    // Counted by the rows really settled: a claim taken over by another worker is settled once,
    // by the worker holding it. Only a claim that has run out (or nearly, as other hosts' clocks
    // may see it) can have been taken over, so only those are looked up.
    const soon = tx.now() + CLOCK_SKEW_MS;
    const mayBeLost = okRows.filter((r) => (r.claimedUntil ?? 0) <= soon);
    if (mayBeLost.length) lost = await claimsLost(tx, mayBeLost, ctx.worker);
    const held = okRows.filter((r) => !lost.has(r.id)).map((r) => r.id);
    if (held.length) summary.ok = await completeOutbox(tx, held, ctx.worker);
    if (bases.length) await saveFieldBases(tx, bases);
    const now = tx.now();
    const carried = await carryForward(tx, ctx.pipeline, [...retries.map((r) => ({ row: r.row, notBefore: now + r.delay })), ...authRows.map((row) => ({ row })), ...dead, ...terminal]);
    audit.push(...carried.audit);
    // A write to be sent again whose changes a newer write now carries is superseded by it:
    // sending it as well would put the record's older version after (or beside) its newer one.
    const supersededByNewer = async (row: OutboxRow): Promise<boolean> => {
      const successor = carried.into.get(row.id);
      if (!successor || !(await supersedeClaimed(tx, [row.id]))) return false;
      replaced.add(row.id);
      audit.push({ ...auditBase(ctx, row, 'write.superseded'), decision: { supersededBy: successor.idempotencyKey } });
      return true;
    };
    for (const r of retries) if (!(await supersededByNewer(r.row))) summary.retried += await retryLater(tx, [r.row.id], r.delay, { errorClass: r.f.errorClass, error: r.f.message }, now);
    const parkIds: number[] = [];
    for (const row of authRows) if (!(await supersededByNewer(row))) parkIds.push(row.id);
    if (dead.length) {
      if (ctx.deadLetter) {
        for (const d of dead) summary.deadLettered += (await moveToDeadLetter(tx, [d.row.id], { errorClass: 'transient', error: `retries exhausted after ${d.row.attempts} attempts: ${d.f.message}` })).length;
      } else {
        for (const d of dead) summary.failed += await failOutbox(tx, [d.row.id], { errorClass: 'transient', error: `retries exhausted after ${d.row.attempts} attempts (dead letter queue off): ${d.f.message}` });
      }
    }
    for (const t of terminal) {
      summary.failed += await failOutbox(tx, [t.row.id], { errorClass: t.f.errorClass, error: t.f.message });
      const payload = t.row.payload as WritePayload;
      const { item, isNew } = await openReconciliationItem(tx, {
        kind: t.f.errorClass === 'conflict' ? 'conflict' : 'mapping',
        pipeline: ctx.pipeline,
        recordKey: t.row.recordKey,
        ...(payload.link.linkId !== undefined ? { linkId: payload.link.linkId } : {}),
        payload: {
          stage: 'write',
          operation: t.row.operation,
          status: t.f.status ?? null,
          message: t.f.message,
          values: payload.values,
          idempotencyKey: t.row.idempotencyKey,
          action: t.f.errorClass === 'conflict' ? 'the target refused the change as a conflict; fix the record and replay' : 'fix the mapping or the source value, then replay the record',
        },
        dedupeKey: `${t.f.errorClass}:${ctx.pipeline}:${t.row.recordKey}`,
      });
      if (isNew) conflicts.push(item);
    }
    if (authRows.length) {
      const failure = outcomes[rows.indexOf(authRows[0] as OutboxRow)] as Failure;
      const { parked, changed } = await markNeedsReconnect(tx, { connection: ctx.connection, connector: ctx.connector, reason: failure.message, inFlightIds: parkIds });
      summary.pausedForAuth = parked;
      if (changed) paused = failure;
    }
    await recordDeliveries(tx, attempts);
    await appendAudit(tx, audit);
  });
  const t = ctx.telemetry;
  if (t) {
    rows.forEach((row, i) => {
      const o = outcomes[i];
      const f = syncFields(ctx, row);
      if (o?.ok && !lost.has(row.id)) t.emit(SyncCompleted, { ...f, outcome: o.created === false ? 'updated' : o.created ? 'created' : 'updated', duration_ms: durations[i] as number });
    });
    for (const r of retries) if (!replaced.has(r.row.id)) t.emit(WriteRetried, { ...syncFields(ctx, r.row), connector: ctx.connector, error_class: r.f.errorClass, attempt: r.row.attempts + 1, delay_ms: r.delay, error: r.f.message });
    for (const d of dead) t.emit(DeadLettered, { ...syncFields(ctx, d.row), connector: ctx.connector, error_class: d.f.errorClass, attempts: d.row.attempts, error: d.f.message });
    for (const x of [...terminal, ...authRows.map((row) => ({ row, f: outcomes[rows.indexOf(row)] as Failure }))]) {
      t.emit(SyncFailed, { ...syncFields(ctx, x.row), error_class: x.f.errorClass, error: x.f.message, duration_ms: durations[rows.indexOf(x.row)] as number });
    }
    emitConflicts(t, ctx.tenant ?? 'default', conflicts);
    if (paused) t.emit(ConnectionNeedsReconnect, { tenant: ctx.tenant ?? 'default', connector: ctx.connector, reason: paused.message, ...(paused.status !== undefined ? { status: paused.status } : {}) });
  }
  ctx.onSettled?.(summary);
}
