/**
 * The record store: records per object type, kept in id order for cursor paging, with an index
 * per unique property (contact `email`, custom `hasUniqueValue` properties) for `idProperty`
 * lookups, upserts and conflict checks.
 */
import { RecordClock } from '../kit/rng.js';
import { errorBody, HubspotHttpError } from './errors.js';
import { OBJECT_TYPES, type ObjectType } from './objectTypes.js';
import { formatValue, type PropertyRegistry } from './properties.js';

export interface CrmRecord {
  id: string;
  type: ObjectType;
  /** Stored values; datetimes as epoch-ms strings. Includes hs_object_id and the date properties. */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** Wall-clock time of the last write, for search's indexing delay. */
  touchedAt: number;
}

export interface SimplePublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  associations?: Record<string, { results: Array<{ id: string; type: string }> }>;
}

/** First id handed out; HubSpot ids are digit strings, and these stay well inside 2^53. */
const FIRST_ID = 10_000_001;

export class RecordStore {
  private nextId = FIRST_ID;
  private readonly byType = new Map<string, Map<string, CrmRecord>>();
  /** Ids in ascending numeric order, archived ones included (cursor paging walks this). */
  private readonly order = new Map<string, string[]>();
  /** `${type}:${property}` → lower-cased value → id, for non-archived records. */
  private readonly unique = new Map<string, Map<string, string>>();
  /** Record timestamps: deterministic and strictly increasing, restarted by `reset`. */
  clock = new RecordClock();

  constructor(
    readonly registry: PropertyRegistry,
    private readonly datetimeFormat: 'iso' | 'epoch-ms',
  ) {
    this.clear();
  }

  clear(): void {
    this.nextId = FIRST_ID;
    this.clock = new RecordClock();
    this.unique.clear();
    for (const t of OBJECT_TYPES) {
      this.byType.set(t.name, new Map());
      this.order.set(t.name, []);
    }
  }

  count(type: ObjectType): { active: number; archived: number } {
    let archived = 0;
    const all = this.byType.get(type.name) as Map<string, CrmRecord>;
    for (const r of all.values()) if (r.archived) archived++;
    return { active: all.size - archived, archived };
  }

  get(type: ObjectType, id: string): CrmRecord | undefined {
    return this.byType.get(type.name)?.get(id);
  }

  /** Finds a live record by id or, with `idProperty`, by a unique property's value. */
  find(type: ObjectType, id: string, idProperty?: string): CrmRecord | undefined {
    if (!idProperty || idProperty === 'hs_object_id') {
      const r = this.get(type, id);
      return r && !r.archived ? r : undefined;
    }
    const hit = this.unique.get(`${type.name}:${idProperty}`)?.get(id.toLowerCase());
    return hit ? this.get(type, hit) : undefined;
  }

  /** Throws the 400 HubSpot gives when `idProperty` is not a unique-value property. */
  assertIdProperty(type: ObjectType, idProperty: string | undefined): void {
    if (!idProperty || idProperty === 'hs_object_id') return;
    const def = this.registry.get(type, idProperty);
    if (!def || !def.hasUniqueValue) {
      // UNCONFIRMED: wording of this error.
      throw new HubspotHttpError(
        400,
        errorBody('VALIDATION_ERROR', `Property ${idProperty} is not a unique identifier property for ${type.name}`, {
          context: { idProperty: [idProperty] },
        }),
      );
    }
  }

  /** Ids of the unique properties in `values` that another live record already holds. */
  conflicts(type: ObjectType, values: Record<string, string>, selfId?: string): { property: string; value: string; existingId: string } | undefined {
    for (const [name, value] of Object.entries(values)) {
      if (value === '') continue;
      const idx = this.unique.get(`${type.name}:${name}`);
      const existing = idx?.get(value.toLowerCase());
      if (existing && existing !== selfId) return { property: name, value, existingId: existing };
    }
    return undefined;
  }

  conflictError(type: ObjectType, c: { property: string; value: string; existingId: string }): HubspotHttpError {
    // UNCONFIRMED: category and wording of a duplicate unique value (FACTS §1.8 CONFLICT).
    const message =
      type.name === 'contacts' && c.property === 'email'
        ? `Contact already exists. Existing ID: ${c.existingId}`
        : `A ${type.singular} with ${c.property} '${c.value}' already exists. Existing ID: ${c.existingId}`;
    return new HubspotHttpError(409, errorBody('CONFLICT', message, { context: { [c.property]: [c.value] } }));
  }

  create(type: ObjectType, values: Record<string, string>, id?: string): CrmRecord {
    const now = this.clock.tick().getTime();
    const recordId = id ?? String(this.nextId++);
    if (id !== undefined && /^\d+$/.test(id) && Number(id) >= this.nextId) this.nextId = Number(id) + 1;
    const properties: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (v !== '') properties[k] = v;
    const created = properties[type.createdProperty] ?? String(now);
    properties[type.createdProperty] = created;
    properties[type.modifiedProperty] = String(now);
    properties.hs_object_id = recordId;
    const rec: CrmRecord = { id: recordId, type, properties, createdAt: Number(created), updatedAt: now, archived: false, touchedAt: Date.now() };
    (this.byType.get(type.name) as Map<string, CrmRecord>).set(recordId, rec);
    this.insertOrdered(type, recordId);
    this.index(rec);
    return rec;
  }

  /** Applies values; returns the names whose stored value changed. */
  update(rec: CrmRecord, values: Record<string, string>): string[] {
    const changed: string[] = [];
    this.unindex(rec);
    for (const [k, v] of Object.entries(values)) {
      const before = rec.properties[k] ?? '';
      if (before === v) continue;
      if (v === '') delete rec.properties[k];
      else rec.properties[k] = v;
      changed.push(k);
    }
    if (changed.length > 0) {
      rec.updatedAt = this.clock.tick().getTime();
      rec.touchedAt = Date.now();
      rec.properties[rec.type.modifiedProperty] = String(rec.updatedAt);
    }
    this.index(rec);
    return changed;
  }

  archive(rec: CrmRecord): void {
    if (rec.archived) return;
    this.unindex(rec);
    rec.archived = true;
    rec.archivedAt = this.clock.tick().getTime();
  }

  /** Live (or, with `archived`, archived) records of a type in id order, from id `fromId` on. */
  *scan(type: ObjectType, archived: boolean, fromId?: string): Generator<CrmRecord> {
    const ids = this.order.get(type.name) as string[];
    const all = this.byType.get(type.name) as Map<string, CrmRecord>;
    let i = fromId === undefined ? 0 : lowerBound(ids, fromId);
    for (; i < ids.length; i++) {
      const r = all.get(ids[i] as string) as CrmRecord;
      if (r.archived === archived) yield r;
    }
  }

  /** Builds the `SimplePublicObject` read shape. `names` undefined means the type's defaults. */
  toPublic(rec: CrmRecord, names: readonly string[] | undefined): SimplePublicObject {
    const t = rec.type;
    const wanted = new Set<string>(names && names.length > 0 ? names : t.defaultProperties);
    // HubSpot always returns the id and both dates, whatever was asked for.
    wanted.add('hs_object_id');
    wanted.add(t.createdProperty);
    wanted.add(t.modifiedProperty);
    const properties: Record<string, string | null> = {};
    for (const name of [...wanted].sort()) {
      const def = this.registry.get(t, name);
      if (!def) continue;
      const v = rec.properties[name];
      properties[name] = v === undefined ? null : formatValue(def, v, this.datetimeFormat);
    }
    const out: SimplePublicObject = {
      id: rec.id,
      properties,
      createdAt: new Date(rec.createdAt).toISOString(),
      updatedAt: new Date(rec.updatedAt).toISOString(),
      archived: rec.archived,
    };
    if (rec.archivedAt !== undefined) out.archivedAt = new Date(rec.archivedAt).toISOString();
    return out;
  }

  private insertOrdered(type: ObjectType, id: string): void {
    const ids = this.order.get(type.name) as string[];
    const last = ids[ids.length - 1];
    if (last === undefined || compareIds(last, id) < 0) ids.push(id);
    else ids.splice(lowerBound(ids, id), 0, id);
  }

  private uniqueNames(type: ObjectType): string[] {
    return this.registry
      .all(type)
      .filter((d) => d.hasUniqueValue)
      .map((d) => d.name);
  }

  private index(rec: CrmRecord): void {
    if (rec.archived) return;
    for (const name of this.uniqueNames(rec.type)) {
      const v = rec.properties[name];
      if (v === undefined || v === '') continue;
      const key = `${rec.type.name}:${name}`;
      let m = this.unique.get(key);
      if (!m) this.unique.set(key, (m = new Map()));
      m.set(v.toLowerCase(), rec.id);
    }
  }

  private unindex(rec: CrmRecord): void {
    for (const name of this.uniqueNames(rec.type)) {
      const v = rec.properties[name];
      if (v === undefined) continue;
      const m = this.unique.get(`${rec.type.name}:${name}`);
      if (m?.get(v.toLowerCase()) === rec.id) m.delete(v.toLowerCase());
    }
  }
}

function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(ids: string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(ids[mid] as string, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** List cursors look like HubSpot's (`NTI1Cg%3D%3D` is base64 of "525\n", percent-encoded). */
export function encodeListCursor(nextId: string): string {
  return encodeURIComponent(Buffer.from(`${nextId}\n`).toString('base64'));
}

export function decodeListCursor(after: string): string | undefined {
  let raw = after;
  try {
    if (raw.includes('%')) raw = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (/^\d+$/.test(raw)) return raw;
  const decoded = Buffer.from(raw, 'base64').toString('utf8').trim();
  return /^\d+$/.test(decoded) ? decoded : undefined;
}
