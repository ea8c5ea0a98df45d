/**
 * The review queue of identity matches. Every match found is recorded here, auto-linked ones
 * included, so an operator can correct any of them. A rejection is permanent: the pair is never
 * auto-linked again (`isRejected`), whatever score later runs compute.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { fromJson, toJson, toNumber, toNumberOrNull } from './columns.js';
import { StoreError } from './errors.js';
import { bulkInsert } from './bulkInsert.js';
import { setLinkStatus, upsertLink, type Link, type LocalRef, type RemoteRef } from './links.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/**
 * - `pending`: scored between the review and auto-link thresholds, waiting for an operator;
 * - `auto_linked`: scored above the auto-link threshold and linked, listed for correction;
 * - `approved` / `rejected`: an operator decided.
 */
export type CandidateStatus = 'pending' | 'auto_linked' | 'approved' | 'rejected';

export interface MatchCandidate {
  id: number;
  pipeline: string | null;
  local: LocalRef;
  remote: RemoteRef;
  strategy: string;
  score: number;
  /** What the matcher saw (normalised keys, compared names…), for the operator. */
  details: unknown;
  status: CandidateStatus;
  linkId: number | null;
  decidedBy: string | null;
  decidedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface MatchProposal {
  pipeline?: string;
  local: LocalRef;
  remote: RemoteRef;
  strategy: string;
  score: number;
  details?: unknown;
  /** true: link now and list for review; false: wait for an operator. */
  autoLink: boolean;
}

function fromRow(scope: Scope, r: Record<string, unknown>): MatchCandidate {
  return {
    id: toNumber(r.id),
    pipeline: (r.pipeline as string | null) ?? null,
    local: { object: String(r.local_object), key: String(r.local_key) },
    remote: { connector: String(r.remote_connector), object: String(r.remote_object), id: String(r.remote_id) },
    strategy: String(r.strategy),
    score: Number(r.score),
    details: fromJson(scope.dialect, r.details),
    status: r.status as CandidateStatus,
    linkId: toNumberOrNull(r.link_id),
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: toNumberOrNull(r.decided_at),
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
  };
}

function pairWhere(local: LocalRef, remote: RemoteRef) {
  return {
    local_object: local.object,
    local_key: local.key,
    remote_connector: remote.connector,
    remote_object: remote.object,
    remote_id: remote.id,
  };
}

/** A proposed match as stored, and whether the proposal opened or changed it. */
export interface ProposedMatch extends MatchCandidate {
  /**
   * False when the pair was already decided, or already waiting with the same strategy and score:
   * a source that reads a waiting record again (a lookback window) proposes nothing new.
   */
  opened: boolean;
}

/**
 * Records a match. With `autoLink`, also links the pair (same transaction). A pair an operator
 * rejected stays rejected and is not linked; a pair already decided keeps its decision; the
 * score and details are refreshed otherwise.
 */
export async function proposeMatch(scope: Scope, p: MatchProposal): Promise<ProposedMatch> {
  return scope.transaction(async (tx) => {
    const now = tx.now();
    const existing = await tx.db(tables.reviewCandidates).where({ tenant: tx.tenant, ...pairWhere(p.local, p.remote) }).forUpdate().first();
    if (existing && existing.status !== 'pending') return { ...fromRow(tx, existing), opened: false };
    const opened = !existing || p.autoLink || existing.strategy !== p.strategy || Number(existing.score) !== p.score;
    let linkId: number | null = null;
    if (p.autoLink) {
      const link = await upsertLink(tx, { local: p.local, remote: p.remote, pipeline: p.pipeline, strategy: p.strategy, score: p.score });
      linkId = link.id;
    }
    const fields = {
      strategy: p.strategy,
      score: p.score,
      details: toJson(p.details ?? null),
      status: p.autoLink ? 'auto_linked' : 'pending',
      link_id: linkId,
      updated_at: now,
    };
    if (existing) {
      const [row] = await tx.db(tables.reviewCandidates).where({ tenant: tx.tenant, id: existing.id }).update(fields).returning('*');
      return { ...fromRow(tx, row), opened };
    }
    const [row] = await tx
      .db(tables.reviewCandidates)
      .insert({ tenant: tx.tenant, pipeline: p.pipeline ?? null, ...pairWhere(p.local, p.remote), created_at: now, ...fields })
      .returning('*');
    return { ...fromRow(tx, row), opened };
  });
}

export interface CandidateFilter {
  /** Omit for every status. */
  status?: CandidateStatus;
  pipeline?: string;
  localObject?: string;
  localKey?: string;
  afterId?: number;
  /** @defaultValue 100 */
  limit?: number;
}

export async function listCandidates(scope: Scope, filter: CandidateFilter = {}): Promise<MatchCandidate[]> {
  const q = scope.db(tables.reviewCandidates).where({ tenant: scope.tenant });
  if (filter.status !== undefined) q.andWhere({ status: filter.status });
  if (filter.pipeline !== undefined) q.andWhere({ pipeline: filter.pipeline });
  if (filter.localObject !== undefined) q.andWhere({ local_object: filter.localObject });
  if (filter.localKey !== undefined) q.andWhere({ local_key: filter.localKey });
  if (filter.afterId !== undefined) q.andWhere('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(filter.limit ?? 100);
  return rows.map((r: Record<string, unknown>) => fromRow(scope, r));
}

export async function getCandidate(scope: Scope, id: number): Promise<MatchCandidate | undefined> {
  const row = await scope.db(tables.reviewCandidates).where({ tenant: scope.tenant, id }).first();
  return row ? fromRow(scope, row) : undefined;
}

async function mustGet(tx: Scope, id: number): Promise<MatchCandidate> {
  const row = await tx.db(tables.reviewCandidates).where({ tenant: tx.tenant, id }).forUpdate().first();
  if (!row) throw new StoreError('not_found', `no match candidate ${id}`);
  return fromRow(tx, row);
}

/** Confirms a match: links the pair (if not yet) and records who decided. */
export async function approveCandidate(scope: Scope, id: number, by: string): Promise<Link> {
  return scope.transaction(async (tx) => {
    const c = await mustGet(tx, id);
    if (c.status === 'rejected') throw new StoreError('invalid_state', `match candidate ${id} was rejected; rejections are final`);
    const link = await upsertLink(tx, { local: c.local, remote: c.remote, pipeline: c.pipeline ?? undefined, strategy: c.strategy, score: c.score });
    await tx
      .db(tables.reviewCandidates)
      .where({ tenant: tx.tenant, id })
      .update({ status: 'approved', link_id: link.id, decided_by: by, decided_at: tx.now(), applied_at: null, updated_at: tx.now() });
    return link;
  });
}

/** Rejects a match for good; an auto-created link for the pair is marked rejected too. */
export async function rejectCandidate(scope: Scope, id: number, by: string): Promise<void> {
  await scope.transaction(async (tx) => {
    const c = await mustGet(tx, id);
    const link = await tx
      .db(tables.links)
      .where({ tenant: tx.tenant, ...pairWhere(c.local, c.remote) })
      .andWhereNot({ status: 'rejected' })
      .first();
    if (link) await setLinkStatus(tx, toNumber(link.id), 'rejected');
    await tx
      .db(tables.reviewCandidates)
      .where({ tenant: tx.tenant, id })
      .update({ status: 'rejected', decided_by: by, decided_at: tx.now(), applied_at: null, updated_at: tx.now() });
  });
}

/** How many records of this pipeline wait for an operator's decision on their match (`syncd status`). */
export async function recordsAwaitingReview(scope: Scope, pipeline: string): Promise<number> {
  const row = (await scope.db(tables.reviewCandidates).where({ tenant: scope.tenant, pipeline, status: 'pending' }).countDistinct({ n: 'local_key' }).first()) as { n?: unknown } | undefined;
  return toNumber(row?.n ?? 0);
}

/** An operator's decision whose record the pipeline has not planned again since. */
export interface UnappliedDecision {
  id: number;
  localKey: string;
  decidedAt: number;
}

/**
 * This pipeline's approved and rejected matches whose records have not been planned again since
 * the decision, oldest decision first: the daemon re-reads those records so a decision takes
 * effect without waiting for the record to change.
 */
export async function unappliedDecisions(scope: Scope, pipeline: string, limit: number): Promise<UnappliedDecision[]> {
  const rows = (await scope
    .db(tables.reviewCandidates)
    .where({ tenant: scope.tenant, pipeline })
    .whereNull('applied_at')
    .whereIn('status', ['approved', 'rejected'])
    .orderBy([{ column: 'decided_at' }, { column: 'id' }])
    .limit(limit)
    .select('id', 'local_key', 'decided_at')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ id: toNumber(r.id), localKey: String(r.local_key), decidedAt: toNumber(r.decided_at) }));
}

/** Records that these decisions were applied; a decision changed in the meantime stays unapplied. */
export async function markDecisionsApplied(scope: Scope, decisions: readonly UnappliedDecision[]): Promise<void> {
  const now = scope.now();
  for (const d of decisions) await scope.db(tables.reviewCandidates).where({ tenant: scope.tenant, id: d.id, decided_at: d.decidedAt }).whereNull('applied_at').update({ applied_at: now });
}

/** Whether an operator rejected this exact pair. */
export async function isRejected(scope: Scope, local: LocalRef, remote: RemoteRef): Promise<boolean> {
  const row = await scope
    .db(tables.reviewCandidates)
    .where({ tenant: scope.tenant, ...pairWhere(local, remote), status: 'rejected' })
    .first('id');
  return row !== undefined;
}

/** Remote ids rejected for these local keys, for filtering candidates in bulk: key → ids. */
export async function rejectedPairs(
  scope: Scope,
  localObject: string,
  localKeys: readonly string[],
  remote: Pick<RemoteRef, 'connector' | 'object'>,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const part of chunks(localKeys, IDS_PER_STATEMENT)) {
    const rows = await scope
      .db(tables.reviewCandidates)
      .where({ tenant: scope.tenant, local_object: localObject, remote_connector: remote.connector, remote_object: remote.object, status: 'rejected' })
      .whereIn('local_key', part)
      .select('local_key', 'remote_id');
    for (const r of rows) {
      const key = String(r.local_key);
      let ids = out.get(key);
      if (!ids) out.set(key, (ids = new Set()));
      ids.add(String(r.remote_id));
    }
  }
  return out;
}

export interface AutoLinkRecord {
  pipeline?: string;
  local: LocalRef;
  remote: RemoteRef;
  strategy: string;
  score: number;
  linkId: number;
}

/**
 * Lists links that were made automatically (by external id, a key or a confident fuzzy match) in
 * the review queue as `auto_linked`, many at once, so an operator can correct them. A pair already
 * listed keeps its row and decision.
 */
export async function recordAutoLinks(scope: Scope, entries: readonly AutoLinkRecord[]): Promise<void> {
  if (entries.length === 0) return;
  const now = scope.now();
  await bulkInsert(
    scope,
    {
      table: tables.reviewCandidates,
      columns: ['tenant', 'pipeline', 'local_object', 'local_key', 'remote_connector', 'remote_object', 'remote_id', 'strategy', 'score', 'details', 'status', 'link_id', 'created_at', 'updated_at'],
      values: (e: AutoLinkRecord) => [scope.tenant, e.pipeline ?? null, e.local.object, e.local.key, e.remote.connector, e.remote.object, e.remote.id, e.strategy, e.score, toJson(null), 'auto_linked', e.linkId, now, now],
      onConflict: 'on conflict (tenant, local_object, local_key, remote_connector, remote_object, remote_id) do nothing',
    },
    entries,
  );
}
