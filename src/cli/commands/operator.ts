/**
 * Operator commands over the state store: status, the dead letter queue, the identity review
 * queue, reconciliation items, backfills and a record's audit trail. Each opens the store, does one thing, and closes it.
 */
import { openStore, type Store } from '../../state/store.js';
import { listCursors, resetCursors, commitCursor } from '../../state/cursors.js';
import { changeStreamOfCursor } from '../../engine/changeEvents.js';
import { listSourceFailures } from '../../state/sourceFailures.js';
import { summarizeReferenceWaits } from '../../state/referenceWaits.js';
import { queueDepth } from '../../state/outbox/queries.js';
import type { OutboxStatus } from '../../state/outbox/rows.js';
import { discardDeadLetters, listDeadLetters, replayDeadLetters } from '../../state/deadLetters.js';
import { approveCandidate, listCandidates, recordsAwaitingReview, rejectCandidate, type CandidateStatus } from '../../state/reviewQueue.js';
import { listReconciliationItems, openItemsByPipeline, resolveReconciliationItem, type ReconciliationKind } from '../../state/reconciliation.js';
import { listConnections, markReconnected } from '../../state/connections.js';
import { queryAudit, type AuditEntry } from '../../state/audit.js';
import { StoreError } from '../../state/errors.js';
import { formatTable, when } from '../output/table.js';
import { UserError, type CommandIO } from '../io.js';

export interface StoreArgs {
  store?: string;
  tenant: string;
  json: boolean;
}

async function withStore<T>(args: StoreArgs, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(args.store ? { url: args.store } : {});
  try {
    await store.migrate();
    return await fn(store);
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (err instanceof StoreError) throw new UserError(err.message);
    throw new UserError(`the state store failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await store.close();
  }
}

function print(io: CommandIO, args: StoreArgs, data: unknown, text: () => string): void {
  io.out(args.json ? JSON.stringify(data, null, 2) + '\n' : text());
}

export async function runStatus(args: StoreArgs & { pipeline?: string }, io: CommandIO): Promise<number> {
  return withStore(args, async (store) => {
    const scope = store.forTenant(args.tenant);
    const stored = await listCursors(scope, args.pipeline ? { pipeline: args.pipeline } : {});
    const streams = stored.flatMap((c) => {
      const s = changeStreamOfCursor(c);
      return s ? [{ ...s, storedAt: c.updatedAt }] : [];
    });
    const cursors = stored.filter((c) => !changeStreamOfCursor(c));
    const failing = await listSourceFailures(scope, args.pipeline ? { pipeline: args.pipeline } : {});
    // A source failing since its first poll has no cursor yet; it is listed all the same.
    const pipelines = [...new Set([...cursors.map((c) => c.pipeline), ...failing.map((f) => f.pipeline)])].sort();
    const rows: Array<{ pipeline: string; cursor: unknown; cursorUpdatedAt: number | null; oldestOpenCreatedAt: number | null; awaitingReview: number; openItems: number } & Record<OutboxStatus, number>> = [];
    const openItems = await openItemsByPipeline(scope);
    for (const p of pipelines) {
      const d = await queueDepth(scope, { pipeline: p });
      const cursor = cursors.find((c) => c.pipeline === p);
      rows.push({ pipeline: p, cursor: cursor?.value ?? null, cursorUpdatedAt: cursor?.updatedAt ?? null, ...d.byStatus, oldestOpenCreatedAt: d.oldestOpenCreatedAt, awaitingReview: await recordsAwaitingReview(scope, p), openItems: openItems.get(p) ?? 0 });
    }
    const connections = await listConnections(scope);
    const waits = await summarizeReferenceWaits(scope, args.pipeline ? { pipeline: args.pipeline } : {});
    print(io, args, { pipelines: rows, changeStreams: streams, sourceFailures: failing, referenceWaits: waits, connections }, () => {
      const now = Date.now();
      let out = formatTable(
        ['pipeline', 'cursor', 'polled', 'pending', 'in flight', 'waiting auth', 'failed', 'dead', 'done', 'superseded', 'oldest open', 'match review', 'open items'],
        rows.map((r) => [r.pipeline, JSON.stringify(r.cursor), when(r.cursorUpdatedAt), r.pending, r.in_flight, r.waiting_auth, r.failed, r.dead, r.done, r.superseded, r.oldestOpenCreatedAt ? `${Math.round((now - r.oldestOpenCreatedAt) / 1000)}s ago` : '-', r.awaitingReview, r.openItems]),
      );
      // The error is what an operator acts on: printed whole, not cut to a table column.
      for (const f of failing) out += `\nsource of ${f.pipeline} (${f.source}) failing since ${when(f.firstFailedAt)}, ${f.failures} poll(s) in a row; last error:\n  ${f.error}\n`;
      for (const w of waits) out += `\n${w.records} record(s) of ${w.pipeline} wait for the record they reference to be linked by ${w.reference} (the oldest since ${when(w.oldestSince)}); each is written at the first poll after that\n`;
      if (streams.length) out += '\n' + formatTable(['change stream', 'last change', 'stored'], streams.map((c) => [`${c.connector} ${c.object}`, when(c.lastChangeAt), when(c.storedAt)]));
      if (connections.length) out += '\n' + formatTable(['connection', 'connector', 'status', 'reason'], connections.map((c) => [c.connection, c.connector, c.status, c.reason]));
      if (rows.length === 0) out = `no pipeline has run in tenant ${args.tenant} of this store yet\n`;
      return out;
    });
    return 0;
  });
}

export async function runDlq(args: StoreArgs & { action: 'list' | 'replay' | 'discard'; ids: number[]; pipeline?: string; all: boolean; by: string }, io: CommandIO): Promise<number> {
  return withStore(args, async (store) => {
    const scope = store.forTenant(args.tenant);
    if (args.action === 'list') {
      const letters = await listDeadLetters(scope, args.pipeline ? { pipeline: args.pipeline } : {});
      print(io, args, letters, () =>
        letters.length
          ? formatTable(['id', 'pipeline', 'record', 'operation', 'attempts', 'class', 'died', 'error'], letters.map((l) => [l.id, l.pipeline, l.recordKey, l.operation, l.attempts, l.errorClass, when(l.deadAt), l.error]))
          : 'the dead letter queue is empty\n',
      );
      return 0;
    }
    let ids = args.ids;
    if (args.all) ids = (await listDeadLetters(scope, args.pipeline ? { pipeline: args.pipeline } : {})).map((l) => l.id);
    if (ids.length === 0) throw new UserError(`name the dead letters to ${args.action} (ids from \`syncd dlq list\`), or pass --all`);
    if (args.action === 'replay') {
      const { queued, superseded } = await replayDeadLetters(scope, ids, args.by);
      io.out(`queued ${queued.length} write(s) again with their original idempotency keys; a running \`syncd run\` delivers them\n`);
      for (const s of superseded) io.out(`dead letter ${s.id} (record ${s.recordKey}) not replayed: the record has a newer write (${s.newerKey}), planned without this one's success, which replaces it; closed as superseded\n`);
    } else {
      const n = await discardDeadLetters(scope, ids, args.by);
      io.out(`discarded ${n} dead letter(s)\n`);
    }
    return 0;
  });
}

/** What the matcher noted about a match: why it waits (a contested CRM record) and what it matched on. */
function why(details: unknown): string {
  const d = (details ?? {}) as { reason?: unknown; matchedOn?: unknown; ambiguous?: unknown };
  const parts = [typeof d.reason === 'string' ? d.reason : undefined, d.ambiguous === true ? 'several CRM records match' : undefined, typeof d.matchedOn === 'string' ? `on "${d.matchedOn}"` : undefined];
  return parts.filter((p) => p !== undefined).join('; ');
}

export async function runReview(args: StoreArgs & { action: 'list' | 'approve' | 'reject'; id?: number; status?: CandidateStatus; pipeline?: string; by: string }, io: CommandIO): Promise<number> {
  return withStore(args, async (store) => {
    const scope = store.forTenant(args.tenant);
    if (args.action === 'list') {
      const list = await listCandidates(scope, { ...(args.status ? { status: args.status } : {}), ...(args.pipeline ? { pipeline: args.pipeline } : {}) });
      print(io, args, list, () =>
        list.length
          ? formatTable(['id', 'status', 'pipeline', 'local', 'remote', 'strategy', 'score', 'why'], list.map((c) => [c.id, c.status, c.pipeline, `${c.local.object}/${c.local.key}`, `${c.remote.connector}.${c.remote.object}/${c.remote.id}`, c.strategy, c.score.toFixed(3), why(c.details)]))
          : 'no matches to review\n',
      );
      return 0;
    }
    if (args.id === undefined) throw new UserError(`name the match to ${args.action} (an id from \`syncd review list\`)`);
    if (args.action === 'approve') {
      const link = await approveCandidate(scope, args.id, args.by);
      io.out(`linked ${link.local.object}/${link.local.key} ↔ ${link.remote.connector}.${link.remote.object}/${link.remote.id}; the running daemon writes the record to it at the pipeline's next poll\n`);
    } else {
      await rejectCandidate(scope, args.id, args.by);
      io.out(`rejected match ${args.id}; this pair will never be linked automatically again; at the pipeline's next poll the record is matched again, or created\n`);
    }
    return 0;
  });
}

export async function runReconcile(args: StoreArgs & { action: 'list' | 'resolve'; id?: number; kind?: ReconciliationKind; pipeline?: string; note?: string; by: string }, io: CommandIO): Promise<number> {
  return withStore(args, async (store) => {
    const scope = store.forTenant(args.tenant);
    if (args.action === 'list') {
      const items = await listReconciliationItems(scope, { ...(args.kind ? { kind: args.kind } : {}), ...(args.pipeline ? { pipeline: args.pipeline } : {}) });
      print(io, args, items, () =>
        items.length
          ? formatTable(['id', 'kind', 'pipeline', 'record', 'field', 'opened', 'details'], items.map((i) => [i.id, i.kind, i.pipeline, i.recordKey, i.field, when(i.createdAt), JSON.stringify(i.payload)]))
          : 'no open reconciliation items\n',
      );
      return 0;
    }
    if (args.id === undefined) throw new UserError('name the item to resolve (an id from `syncd reconcile list`)');
    const ok = await resolveReconciliationItem(scope, args.id, { note: args.note ?? null }, args.by);
    if (!ok) throw new UserError(`no open reconciliation item ${args.id} in tenant ${args.tenant}`, 1);
    io.out(`resolved item ${args.id}\n`);
    return 0;
  });
}

export async function runReconnect(args: StoreArgs & { connection: string }, io: CommandIO): Promise<number> {
  return withStore(args, async (store) => {
    const { resumed } = await markReconnected(store.forTenant(args.tenant), args.connection);
    io.out(`connection ${args.connection} is active again; ${resumed} waiting write(s) resume\n`);
    return 0;
  });
}

export async function runBackfill(args: StoreArgs & { pipeline: string; from?: string }, io: CommandIO): Promise<number> {
  return withStore(args, async (store) => {
    const scope = store.forTenant(args.tenant);
    const cursors = await listCursors(scope, { pipeline: args.pipeline });
    // A null cursor is no position: a webhook or change-stream source processes events as they
    // come and has nothing to read again; a polling source that found nothing yet reads from its
    // start anyway.
    if (cursors.length > 0 && cursors.every((c) => c.value === null)) {
      throw new UserError(`pipeline ${args.pipeline} keeps no position to read from again: it reads webhooks or a change stream (backfill a pipeline that polls the same object instead), or it has found nothing yet and reads from its start anyway`, 1);
    }
    if (args.from !== undefined) {
      if (Number.isNaN(Date.parse(args.from))) throw new UserError(`--from takes an ISO date or date-time, not ${JSON.stringify(args.from)}`);
      if (cursors.length === 0) throw new UserError(`pipeline ${args.pipeline} has no cursor yet; it reads from the beginning on its first run anyway`, 1);
      const iso = new Date(Date.parse(args.from)).toISOString();
      // Table sources keep {value, key}; connector sources keep the time itself.
      for (const c of cursors) await commitCursor(scope, c, c.value && typeof c.value === 'object' ? { value: iso, key: '' } : iso);
      io.out(`pipeline ${args.pipeline} will re-read from ${iso} on its next poll; unchanged records are not written again\n`);
    } else {
      const n = await resetCursors(scope, args.pipeline);
      io.out(`pipeline ${args.pipeline} will re-read from the beginning on its next poll (${n} cursor(s) reset); unchanged records are not written again\n`);
    }
    return 0;
  });
}

/** Entries read per query while printing a trail. */
const AUDIT_PAGE = 500;

export async function runAudit(args: StoreArgs & { record: string; pipeline?: string; since?: string; limit: number }, io: CommandIO): Promise<number> {
  if (!Number.isInteger(args.limit) || args.limit < 1) throw new UserError(`--limit takes a whole number of entries, not ${JSON.stringify(args.limit)}`);
  const since = args.since === undefined ? undefined : Date.parse(args.since);
  if (since !== undefined && Number.isNaN(since)) throw new UserError(`--since takes an ISO date or date-time, not ${JSON.stringify(args.since)}`);
  return withStore(args, async (store) => {
    const scope = store.forTenant(args.tenant);
    const entries: AuditEntry[] = [];
    // One more than asked for tells whether the trail goes on.
    while (entries.length <= args.limit) {
      const last = entries[entries.length - 1];
      const page = await queryAudit(scope, {
        recordKey: args.record,
        ...(args.pipeline ? { pipeline: args.pipeline } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(last ? { after: last } : {}),
        limit: Math.min(AUDIT_PAGE, args.limit + 1 - entries.length),
      });
      entries.push(...page);
      if (page.length === 0) break;
    }
    const more = entries.length > args.limit;
    const shown = entries.slice(0, args.limit);
    print(io, args, shown, () => {
      if (shown.length === 0) return `no audit entry for record ${args.record}${args.pipeline ? ` of ${args.pipeline}` : ''} in tenant ${args.tenant}\n`;
      const table = formatTable(
        ['at', 'action', 'pipeline', 'actor', 'idempotency key', 'what'],
        shown.map((e) => [when(e.at), e.action, e.pipeline, e.actor, e.idempotencyKey?.slice(0, 12) ?? null, describeEntry(e)]),
      );
      return more ? `${table}… more entries: raise --limit, or narrow with --pipeline or --since\n` : table;
    });
    return 0;
  });
}

/** One line on what an entry says; `--json` has all of it. */
function describeEntry(e: AuditEntry): string {
  const d = (e.decision ?? {}) as Record<string, unknown>;
  const fields = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).join(', ') : '');
  switch (e.action) {
    case 'write.intent':
      return `${String(d.operation ?? 'write')} ${fields(e.after)}`;
    case 'write.ok':
      return [`attempt ${String(d.attempt ?? 1)}`, d.remoteId !== undefined ? `record ${String(d.remoteId)}` : '', d.created === true ? 'created' : d.created === false ? 'updated' : ''].filter(Boolean).join(', ');
    case 'write.failed':
      return `attempt ${String(d.attempt ?? '?')}, ${String(d.errorClass)}: ${String(d.message ?? '')}`;
    case 'merge.decision':
      return `${String(d.field)}: ${String(d.winner)} wins (${String(d.rule)})`;
    default:
      return e.decision === null ? '' : JSON.stringify(e.decision);
  }
}
