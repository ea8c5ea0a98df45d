/**
 * The telemetry events of planning: records read per page by outcome, and each reconciliation item
 * a page or a delivery opened, by conflict class. Only new items count: a record read again finds
 * its item open already, and the dashboard should show conflicts, not re-reads.
 */
import type { OpenItem, ReconciliationItem } from '../state/reconciliation.js';
import { ConflictOpened, RecordsRead, type ConflictClass, type Telemetry } from '../telemetry/events.js';
import type { PagePlan } from './planner.js';

export interface PipelineLabels {
  tenant: string;
  pipeline: string;
  /** The source's connector. */
  connector: string;
}

/** Which class of conflict an item stands for, from what opened it. */
export function conflictClass(item: Pick<OpenItem, 'kind' | 'payload'>): ConflictClass {
  if (item.kind === 'mapping') return 'mapping';
  if (item.kind === 'drift') return 'drift';
  const { reason, stage } = (item.payload ?? {}) as { reason?: unknown; stage?: unknown };
  if (reason === 'both_changed') return 'both_changed';
  if (reason === 'immutable_changed' || reason === 'immutable_bind_mismatch') return 'immutable_field';
  if (stage === 'write') return 'target_refused';
  if (stage === 'deleted') return 'deleted_record';
  // Two CRM records name one local row (planner.ts `identityConflict`, or delivery's link).
  if (stage === 'identity' || stage === 'link') return 'duplicate_record';
  // The one other conflict the planner opens: a CRM record holds the id of a rejected match.
  return 'rejected_match';
}

export function emitConflicts(telemetry: Telemetry, tenant: string, opened: readonly ReconciliationItem[]): void {
  for (const item of opened) {
    telemetry.emit(ConflictOpened, {
      tenant,
      pipeline: item.pipeline,
      record_id: item.recordKey,
      conflict_class: conflictClass(item),
      ...(item.field ? { field: item.field } : {}),
      reconciliation_id: String(item.id),
    });
  }
}

export function emitPageRead(telemetry: Telemetry, labels: PipelineLabels, plan: PagePlan): void {
  const { read, filtered, skipped, failed } = plan.counts;
  const counts = { read: read - filtered - skipped - failed, skipped: filtered + skipped, invalid: failed } as const;
  for (const outcome of ['read', 'skipped', 'invalid'] as const) {
    if (counts[outcome] > 0) telemetry.emit(RecordsRead, { ...labels, count: counts[outcome], outcome });
  }
}
