/**
 * The records target's state: records upserted by `key`, and the counters tests and benchmarks
 * read to prove that nothing was lost or written twice. Everything is a Map lookup, so the
 * per-request cost stays flat whatever the number of records.
 */

export interface TargetRecord {
  /** Assigned by the target on creation (`r-1`, `r-2`…). */
  id: string;
  /** The caller's unique key (the upsert key). */
  key: string;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** Increases on every change of `fields`. */
  version: number;
}

/** A per-record refusal scripted by a test: the next `count` writes of `key` fail with `status`. */
export interface RecordRejection {
  key: string;
  /** 400 (a mapping error), 409 (a conflict), 422… Default: 400. */
  status?: number;
  /** The vendor message in the per-record error. Default: a validation message naming the key. */
  message?: string;
  /** How many writes of this key are refused. Default: every write until reset. */
  count?: number;
}

export interface TargetStats {
  /** Writes that created a record or changed its fields, per key. */
  writes: Record<string, number>;
  /** Every write attempt received for a key: applied, unchanged re-sends and refusals. */
  attempts: Record<string, number>;
  /** Re-sent writes whose fields equalled the stored ones (a replay of a change already applied). */
  unchanged: Record<string, number>;
  /** Writes refused per record (207 item errors). */
  rejected: Record<string, number>;
  /** Idempotency keys received (header or per-record `idempotencyKey`), with how often each came. */
  idempotencyKeys: Record<string, number>;
  /** Answered API requests by route and status (`POST /records/batch 200`, `GET /records/:id 404`…), injected faults included. */
  requests: Record<string, number>;
  /** Requests refused by the rate window. */
  rateLimited: number;
  records: number;
}

function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export type UpsertResult =
  | { ok: true; record: TargetRecord; created: boolean; changed: boolean }
  | { ok: false; status: number; message: string };

export class RecordsState {
  private readonly byKey = new Map<string, TargetRecord>();
  private readonly byId = new Map<string, TargetRecord>();
  private seq = 0;
  private lastTime = 0;
  private readonly rejections = new Map<string, Required<Omit<RecordRejection, 'count'>> & { count: number }>();
  readonly writes = new Map<string, number>();
  readonly attempts = new Map<string, number>();
  readonly unchanged = new Map<string, number>();
  readonly rejected = new Map<string, number>();
  readonly idempotencyKeys = new Map<string, number>();
  readonly requests = new Map<string, number>();
  rateLimited = 0;

  /** Strictly increasing times, so `updatedAt` orders every change even within a millisecond. */
  private now(): string {
    const t = Math.max(Date.now(), this.lastTime + 1);
    this.lastTime = t;
    return new Date(t).toISOString();
  }

  reset(): void {
    this.byKey.clear();
    this.byId.clear();
    this.rejections.clear();
    this.resetCounters();
  }

  resetCounters(): void {
    for (const m of [this.writes, this.attempts, this.unchanged, this.rejected, this.idempotencyKeys, this.requests]) m.clear();
    this.rateLimited = 0;
  }

  countRequest(route: string): void {
    bump(this.requests, route);
  }

  sawIdempotencyKey(key: string): void {
    bump(this.idempotencyKeys, key);
  }

  reject(r: RecordRejection): void {
    this.rejections.set(r.key, {
      key: r.key,
      status: r.status ?? 400,
      message: r.message ?? `VALIDATION_ERROR: record ${r.key} was refused`,
      count: r.count ?? Number.POSITIVE_INFINITY,
    });
  }

  /** An API write: refused by a scripted rejection, else created or updated (fields merged). */
  upsert(key: string, fields: Record<string, unknown>): UpsertResult {
    bump(this.attempts, key);
    const rejection = this.rejections.get(key);
    if (rejection && rejection.count > 0) {
      rejection.count -= 1;
      if (rejection.count <= 0) this.rejections.delete(key);
      bump(this.rejected, key);
      return { ok: false, status: rejection.status, message: rejection.message };
    }
    if (fields.invalid === true) {
      bump(this.rejected, key);
      return { ok: false, status: 400, message: `VALIDATION_ERROR: record ${key} is flagged invalid` };
    }
    const existing = this.byKey.get(key);
    if (!existing) {
      const record = this.create(key, fields);
      bump(this.writes, key);
      return { ok: true, record, created: true, changed: true };
    }
    const merged = { ...existing.fields, ...fields };
    if (sameFields(merged, existing.fields)) {
      bump(this.unchanged, key);
      return { ok: true, record: existing, created: false, changed: false };
    }
    existing.fields = merged;
    existing.version += 1;
    existing.updatedAt = this.now();
    bump(this.writes, key);
    return { ok: true, record: existing, created: false, changed: true };
  }

  private create(key: string, fields: Record<string, unknown>, at?: string): TargetRecord {
    const time = at ?? this.now();
    const record: TargetRecord = { id: `r-${++this.seq}`, key, fields: { ...fields }, createdAt: time, updatedAt: time, version: 1 };
    this.byKey.set(key, record);
    this.byId.set(record.id, record);
    return record;
  }

  /**
   * An edit "as a user" (admin): creates or changes a record without counting as an API write.
   * Fields set to `undefined`-like `{"$unset": true}` are removed; `updatedAt` may be forced.
   */
  edit(key: string, fields: Record<string, unknown>, updatedAt?: string): TargetRecord {
    let record = this.byKey.get(key);
    if (!record) record = this.create(key, {}, updatedAt);
    for (const [k, v] of Object.entries(fields)) {
      if (v !== null && typeof v === 'object' && (v as { $unset?: unknown }).$unset === true) delete record.fields[k];
      else record.fields[k] = v;
    }
    record.version += 1;
    record.updatedAt = updatedAt ?? this.now();
    return record;
  }

  getById(id: string): TargetRecord | undefined {
    return this.byId.get(id);
  }

  getByKey(key: string): TargetRecord | undefined {
    return this.byKey.get(key);
  }

  /** Records changed at or after `since`, in (updatedAt, id) order, after the `after` position. */
  list(opts: { since?: string; after?: string; limit: number }): { results: TargetRecord[]; next: string | null } {
    const sinceMs = opts.since ? Date.parse(opts.since) : Number.NEGATIVE_INFINITY;
    let all = [...this.byId.values()].filter((r) => Date.parse(r.updatedAt) >= sinceMs);
    all.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (opts.after) {
      const [at, id] = decodeCursor(opts.after);
      all = all.filter((r) => r.updatedAt > at || (r.updatedAt === at && r.id > id));
    }
    const results = all.slice(0, opts.limit);
    const last = results[results.length - 1];
    return { results, next: all.length > opts.limit && last ? encodeCursor(last) : null };
  }

  all(): TargetRecord[] {
    return [...this.byId.values()];
  }

  stats(): TargetStats {
    const o = (m: Map<string, number>) => Object.fromEntries(m);
    return {
      writes: o(this.writes),
      attempts: o(this.attempts),
      unchanged: o(this.unchanged),
      rejected: o(this.rejected),
      idempotencyKeys: o(this.idempotencyKeys),
      requests: o(this.requests),
      rateLimited: this.rateLimited,
      records: this.byId.size,
    };
  }
}

function encodeCursor(r: TargetRecord): string {
  return Buffer.from(`${r.updatedAt}|${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  const text = Buffer.from(cursor, 'base64url').toString();
  const i = text.indexOf('|');
  return i < 0 ? ['', ''] : [text.slice(0, i), text.slice(i + 1)];
}
