/**
 * The identity map: which local record is which remote record. A local record has at most one
 * live link per remote (connector, object), and a remote record at most one per local object.
 * `rejected` links are history and block nothing; the review queue remembers rejected pairs.
 */
import { IDS_PER_STATEMENT, chunks } from './batching.js';
import { bulkInsert } from './bulkInsert.js';
import { toNumber } from './columns.js';
import { StoreError } from './errors.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/** Columns a new link row is inserted with. */
const LINK_COLUMNS = ['tenant', 'local_object', 'local_key', 'remote_connector', 'remote_object', 'remote_id', 'pipeline', 'strategy', 'score', 'status', 'created_at', 'updated_at'] as const;

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

/**
 * Live links. The condition is written exactly as the partial unique indexes' `where` clause, as
 * a literal: SQLite uses a partial index only when the query's terms imply its condition, which a
 * bound parameter (`not status = ?`) never does, and every lookup then scans the whole table.
 */
function live(scope: Scope) {
  return scope.db(tables.links).where({ tenant: scope.tenant }).whereRaw(`status <> 'rejected'`);
}

/**
 * Creates the link, or updates strategy/score/status when this exact pair is already linked.
 * Throws `StoreError('invalid_state')` when either side is already linked to something else:
 * relinking is an explicit decision (unlink first).
 */
export async function upsertLink(scope: Scope, input: LinkInput): Promise<Link> {
  return scope.transaction(async (tx) => {
    const now = tx.now();
    // Two lookups, one per unique index: an `or` of both would use neither fully.
    const byLocal: Record<string, unknown>[] = await live(tx)
      .andWhere({
        local_object: input.local.object,
        local_key: input.local.key,
        remote_connector: input.remote.connector,
        remote_object: input.remote.object,
      })
      .forUpdate();
    const byRemote: Record<string, unknown>[] = await live(tx)
      .andWhere({
        remote_connector: input.remote.connector,
        remote_object: input.remote.object,
        remote_id: input.remote.id,
        local_object: input.local.object,
      })
      .forUpdate();
    const existing = [...byLocal, ...byRemote.filter((r) => !byLocal.some((l) => l.id === r.id))];
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

/**
 * Batch form of `upsertLink`, for a delivery round: one lookup per side and one multi-row insert
 * instead of three statements per record. Inputs are applied in order, so a pair repeated in the
 * batch is created once and then updated. Returns the links in input order; throws like
 * `upsertLink` (and writes nothing) when a side is already linked elsewhere, or, with
 * `skipTaken`, links the others and returns undefined for that input.
 */
export async function upsertLinks(scope: Scope, inputs: readonly LinkInput[]): Promise<Link[]>;
export async function upsertLinks(scope: Scope, inputs: readonly LinkInput[], opts: { skipTaken: true }): Promise<Array<Link | undefined>>;
export async function upsertLinks(scope: Scope, inputs: readonly LinkInput[], opts?: { skipTaken: true }): Promise<Array<Link | undefined>> {
  if (inputs.length === 0) return [];
  if (inputs.length === 1 && !opts?.skipTaken) return [await upsertLink(scope, inputs[0] as LinkInput)];
  return scope.transaction(async (tx) => {
    const now = tx.now();
    const localKey = (object: string, key: string, connector: string, remoteObject: string) => `${object}\u0000${key}\u0000${connector}\u0000${remoteObject}`;
    const remoteKey = (connector: string, object: string, id: string, localObject: string) => `${connector}\u0000${object}\u0000${id}\u0000${localObject}`;
    // Current live links touching any input, by either unique key.
    const byLocal = new Map<string, Record<string, unknown>>();
    const byRemote = new Map<string, Record<string, unknown>>();
    const remember = (r: Record<string, unknown>): void => {
      byLocal.set(localKey(String(r.local_object), String(r.local_key), String(r.remote_connector), String(r.remote_object)), r);
      byRemote.set(remoteKey(String(r.remote_connector), String(r.remote_object), String(r.remote_id), String(r.local_object)), r);
    };
    const groups = new Map<string, { localObject: string; connector: string; remoteObject: string; localKeys: Set<string>; remoteIds: Set<string> }>();
    for (const i of inputs) {
      const g = `${i.local.object}\u0000${i.remote.connector}\u0000${i.remote.object}`;
      let group = groups.get(g);
      if (!group) groups.set(g, (group = { localObject: i.local.object, connector: i.remote.connector, remoteObject: i.remote.object, localKeys: new Set(), remoteIds: new Set() }));
      group.localKeys.add(i.local.key);
      group.remoteIds.add(i.remote.id);
    }
    for (const g of groups.values()) {
      for (const part of chunks([...g.localKeys], IDS_PER_STATEMENT)) {
        const q = live(tx).andWhere({ local_object: g.localObject, remote_connector: g.connector, remote_object: g.remoteObject }).whereIn('local_key', part);
        for (const r of (await q.forUpdate()) as Record<string, unknown>[]) remember(r);
      }
      for (const part of chunks([...g.remoteIds], IDS_PER_STATEMENT)) {
        const q = live(tx).andWhere({ remote_connector: g.connector, remote_object: g.remoteObject, local_object: g.localObject }).whereIn('remote_id', part);
        for (const r of (await q.forUpdate()) as Record<string, unknown>[]) remember(r);
      }
    }

    // Decide each input in order against the stored links and the ones planned before it.
    type Planned = { kind: 'insert'; row: Record<string, unknown> } | { kind: 'update'; row: Record<string, unknown> } | { kind: 'taken' };
    const plans: Planned[] = [];
    for (const input of inputs) {
      const l = byLocal.get(localKey(input.local.object, input.local.key, input.remote.connector, input.remote.object));
      const r = byRemote.get(remoteKey(input.remote.connector, input.remote.object, input.remote.id, input.local.object));
      const same = l && l.remote_id === input.remote.id ? l : r && r.local_key === input.local.key ? r : undefined;
      if ((l && l !== same) || (r && r !== same)) {
        if (opts?.skipTaken) {
          plans.push({ kind: 'taken' });
          continue;
        }
        throw new StoreError(
          'invalid_state',
          `cannot link ${input.local.object} ${input.local.key} to ${input.remote.connector} ${input.remote.object} ${input.remote.id}: one side is already linked elsewhere`,
        );
      }
      const fields = { strategy: input.strategy, score: input.score ?? 1, status: input.status ?? 'linked', updated_at: now };
      if (same) {
        Object.assign(same, fields);
        plans.push({ kind: 'update', row: same });
      } else {
        const row: Record<string, unknown> = {
          tenant: tx.tenant,
          local_object: input.local.object,
          local_key: input.local.key,
          remote_connector: input.remote.connector,
          remote_object: input.remote.object,
          remote_id: input.remote.id,
          pipeline: input.pipeline ?? null,
          created_at: now,
          ...fields,
        };
        remember(row);
        plans.push({ kind: 'insert', row });
      }
    }

    const inserts = new Set(plans.flatMap((p) => (p.kind === 'insert' ? [p.row] : [])));
    const returned = await bulkInsert<Record<string, unknown>, { id: unknown; local_key: unknown; remote_id: unknown }>(
      tx,
      { table: tables.links, columns: LINK_COLUMNS, values: (row) => LINK_COLUMNS.map((c) => row[c]), returning: 'id, local_key, remote_id' },
      [...inserts],
    );
    // Rows come back in insertion order on both engines; matched by key all the same.
    const ids = new Map(returned.map((r) => [`${String(r.local_key)}\u0000${String(r.remote_id)}`, toNumber(r.id)]));
    for (const row of inserts) row.id = ids.get(`${String(row.local_key)}\u0000${String(row.remote_id)}`);
    // Updates of existing links, one statement per distinct set of new values.
    const updates = new Map<string, { fields: Record<string, unknown>; ids: unknown[] }>();
    for (const p of plans) {
      if (p.kind !== 'update' || inserts.has(p.row)) continue;
      const fields = { strategy: p.row.strategy, score: p.row.score, status: p.row.status, updated_at: now };
      const k = JSON.stringify(fields);
      let u = updates.get(k);
      if (!u) updates.set(k, (u = { fields, ids: [] }));
      if (!u.ids.includes(p.row.id)) u.ids.push(p.row.id);
    }
    for (const u of updates.values()) {
      for (const part of chunks(u.ids, IDS_PER_STATEMENT)) await tx.db(tables.links).where({ tenant: tx.tenant }).whereIn('id', part as number[]).update(u.fields);
    }
    return plans.map((p) => (p.kind === 'taken' ? undefined : linkFrom(p.row)));
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
