/**
 * The identity map: which local record is which remote record. A local record has at most one
 * live link per remote (connector, object), and a remote record at most one per local object.
 * `rejected` links are history and block nothing; the review queue remembers rejected pairs.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { toNumber } from './columns.js';
import { StoreError } from './errors.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/**
 * - `linked`: in use;
 * - `review`: provisional, an operator has to confirm it (not used for writes by default);
 * - `rejected`: an operator undid it.
 */
export type LinkStatus = 'linked' | 'review' | 'rejected';

export interface LocalRef {
  /** The local object, e.g. `quote`, `company`. */
  object: string;
  key: string;
}

export interface RemoteRef {
  /** The connector, e.g. `hubspot`. */
  connector: string;
  /** The remote object, e.g. `deal`. */
  object: string;
  id: string;
}

export interface Link {
  id: number;
  local: LocalRef;
  remote: RemoteRef;
  /** The pipeline that created it (informational: links are shared by every pipeline on the pair). */
  pipeline: string | null;
  /** How it was found: `existing_link`, `external_id`, `email`, `domain`, `fuzzy_name`, `manual`… */
  strategy: string;
  score: number;
  status: LinkStatus;
  createdAt: number;
  updatedAt: number;
}

export interface LinkInput {
  local: LocalRef;
  remote: RemoteRef;
  pipeline?: string;
  strategy: string;
  /** @defaultValue 1 */
  score?: number;
  /** @defaultValue 'linked' */
  status?: Exclude<LinkStatus, 'rejected'>;
}

export function linkFrom(r: Record<string, unknown>): Link {
  return {
    id: toNumber(r.id),
    local: { object: String(r.local_object), key: String(r.local_key) },
    remote: { connector: String(r.remote_connector), object: String(r.remote_object), id: String(r.remote_id) },
    pipeline: (r.pipeline as string | null) ?? null,
    strategy: String(r.strategy),
    score: Number(r.score),
    status: r.status as LinkStatus,
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
  };
}

function live(scope: Scope) {
  return scope.db(tables.links).where({ tenant: scope.tenant }).andWhereNot({ status: 'rejected' });
}

/**
 * Creates the link, or updates strategy/score/status when this exact pair is already linked.
 * Throws `StoreError('invalid_state')` when either side is already linked to something else:
 * relinking is an explicit decision (unlink first).
 */
export async function upsertLink(scope: Scope, input: LinkInput): Promise<Link> {
  return scope.transaction(async (tx) => {
    const now = tx.now();
    const existing: Record<string, unknown>[] = await live(tx)
      .andWhere((w) =>
        w
          .where({
            local_object: input.local.object,
            local_key: input.local.key,
            remote_connector: input.remote.connector,
            remote_object: input.remote.object,
          })
          .orWhere({
            remote_connector: input.remote.connector,
            remote_object: input.remote.object,
            remote_id: input.remote.id,
            local_object: input.local.object,
          }),
      )
      .forUpdate();
    const same = existing.find((r) => r.local_key === input.local.key && r.remote_id === input.remote.id);
    if (existing.length > (same ? 1 : 0)) {
      throw new StoreError(
        'invalid_state',
        `cannot link ${input.local.object} ${input.local.key} to ${input.remote.connector} ${input.remote.object} ${input.remote.id}: one side is already linked elsewhere`,
      );
    }
    const fields = { strategy: input.strategy, score: input.score ?? 1, status: input.status ?? 'linked', updated_at: now };
    if (same) {
      const [row] = await tx.db(tables.links).where({ tenant: tx.tenant, id: same.id }).update(fields).returning('*');
      return linkFrom(row);
    }
    const [row] = await tx
      .db(tables.links)
      .insert({
        tenant: tx.tenant,
        local_object: input.local.object,
        local_key: input.local.key,
        remote_connector: input.remote.connector,
        remote_object: input.remote.object,
        remote_id: input.remote.id,
        pipeline: input.pipeline ?? null,
        created_at: now,
        ...fields,
      })
      .returning('*');
    return linkFrom(row);
  });
}

export async function getLink(scope: Scope, id: number): Promise<Link | undefined> {
  const row = await scope.db(tables.links).where({ tenant: scope.tenant, id }).first();
  return row ? linkFrom(row) : undefined;
}

/** The live link of a local record to a remote (connector, object). */
export async function findLinkByLocal(
  scope: Scope,
  local: LocalRef,
  remote: Pick<RemoteRef, 'connector' | 'object'>,
): Promise<Link | undefined> {
  const row = await live(scope)
    .andWhere({ local_object: local.object, local_key: local.key, remote_connector: remote.connector, remote_object: remote.object })
    .first();
  return row ? linkFrom(row) : undefined;
}

/** The live link of a remote record to a local object. */
export async function findLinkByRemote(scope: Scope, remote: RemoteRef, localObject: string): Promise<Link | undefined> {
  const row = await live(scope)
    .andWhere({ remote_connector: remote.connector, remote_object: remote.object, remote_id: remote.id, local_object: localObject })
    .first();
  return row ? linkFrom(row) : undefined;
}

/** Batch form of findLinkByLocal: live links keyed by local key. */
export async function findLinksByLocalKeys(
  scope: Scope,
  localObject: string,
  keys: readonly string[],
  remote: Pick<RemoteRef, 'connector' | 'object'>,
): Promise<Map<string, Link>> {
  const out = new Map<string, Link>();
  for (const part of chunks(keys, IDS_PER_STATEMENT)) {
    const rows = await live(scope)
      .andWhere({ local_object: localObject, remote_connector: remote.connector, remote_object: remote.object })
      .whereIn('local_key', part);
    for (const r of rows) out.set(String(r.local_key), linkFrom(r));
  }
  return out;
}

/** Batch form of findLinkByRemote: live links keyed by remote id. */
export async function findLinksByRemoteIds(
  scope: Scope,
  remote: Pick<RemoteRef, 'connector' | 'object'>,
  ids: readonly string[],
  localObject: string,
): Promise<Map<string, Link>> {
  const out = new Map<string, Link>();
  for (const part of chunks(ids, IDS_PER_STATEMENT)) {
    const rows = await live(scope)
      .andWhere({ local_object: localObject, remote_connector: remote.connector, remote_object: remote.object })
      .whereIn('remote_id', part);
    for (const r of rows) out.set(String(r.remote_id), linkFrom(r));
  }
  return out;
}

/** Changes a link's status; returns false when no such link. */
export async function setLinkStatus(scope: Scope, id: number, status: LinkStatus): Promise<boolean> {
  const n = await scope.db(tables.links).where({ tenant: scope.tenant, id }).update({ status, updated_at: scope.now() });
  return n > 0;
}
