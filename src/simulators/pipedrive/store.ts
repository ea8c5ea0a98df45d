/**
 * The company's data in memory: records, field definitions, notes and webhook subscriptions, with
 * the write paths shared by the API and the admin "as a user" routes. Every write is reported to
 * `onChange`, which is how webhooks learn about it.
 */
import { RecordClock, Sequence } from '../kit/rng.js';
import type { ResolvedPipedriveConfig } from './config.js';
import { ENTITIES } from './entities.js';
import { applyCustomFields, type FieldDefinition } from './fields.js';
import { ValidationError, cloneRow, isPlainObject, v2Time, type EntityName, type Row } from './records.js';

export type ChangeSource = 'api' | 'app';

export interface ChangeEvent {
  entity: EntityName;
  action: 'create' | 'change' | 'delete';
  /** The record after the change; `null` for a delete. */
  current: Row | null;
  /** create: `null`; change: only the changed fields with their old values; delete: the last state. */
  previous: Record<string, unknown> | null;
  id: number;
  source: ChangeSource;
  at: string;
}

export interface NoteRow {
  id: number;
  content: string;
  org_id: number | null;
  person_id: number | null;
  deal_id: number | null;
  lead_id: string | null;
  user_id: number;
  add_time: string;
  update_time: string;
  active_flag: boolean;
  pinned_to_organization_flag: boolean;
  pinned_to_person_flag: boolean;
  pinned_to_deal_flag: boolean;
}

export interface WebhookRow {
  id: number;
  name: string;
  subscription_url: string;
  event_action: string;
  event_object: string;
  user_id: number;
  version: string;
  http_auth_user: string | null;
  http_auth_password: string | null;
  add_time: string;
  last_delivery_time: string | null;
  last_http_status: number | null;
  /** Consecutive failed first attempts (a ban starts at the configured count). */
  firstAttemptFailures: number;
  bannedUntil: number;
}

export type SortField = 'id' | 'update_time' | 'add_time';

const FIRST_IDS: Record<EntityName, number> = { organizations: 101, persons: 2001, deals: 5001 };

export class PipedriveStore {
  /** Record timestamps: one simulated second per write, so `update_time` is strictly increasing. */
  readonly clock = new RecordClock();
  readonly rows: Record<EntityName, Map<number, Row>> = { organizations: new Map(), persons: new Map(), deals: new Map() };
  readonly fields: Record<EntityName, FieldDefinition[]> = { organizations: [], persons: [], deals: [] };
  readonly customFields: Record<EntityName, Map<string, FieldDefinition>> = {
    organizations: new Map(),
    persons: new Map(),
    deals: new Map(),
  };
  readonly notes = new Map<number, NoteRow>();
  readonly webhooks = new Map<number, WebhookRow>();
  readonly noteIds = new Sequence(1);
  readonly webhookIds = new Sequence(1);
  readonly fieldIds = new Sequence(12001);
  private readonly ids: Record<EntityName, Sequence> = {
    organizations: new Sequence(FIRST_IDS.organizations),
    persons: new Sequence(FIRST_IDS.persons),
    deals: new Sequence(FIRST_IDS.deals),
  };
  /** Bumped by every write; sorted views are cached per version. */
  private version = 0;
  private readonly sortedCache = new Map<string, { version: number; rows: Row[] }>();
  onChange: (event: ChangeEvent) => void = () => {};

  constructor(readonly config: ResolvedPipedriveConfig) {}

  now(): string {
    return v2Time(this.clock.tick());
  }

  addCustomField(entity: EntityName, def: FieldDefinition): void {
    this.fields[entity].push(def);
    this.customFields[entity].set(def.code, def);
    for (const row of this.rows[entity].values()) if (!(def.code in row.custom_fields)) row.custom_fields[def.code] = null;
  }

  get(entity: EntityName, id: number): Row | undefined {
    const row = this.rows[entity].get(id);
    return row && !row.is_deleted ? row : undefined;
  }

  /** Every stored row of the entity, deleted ones included, ascending by (`sortBy`, id). */
  sorted(entity: EntityName, sortBy: SortField): Row[] {
    const key = `${entity}:${sortBy}`;
    const hit = this.sortedCache.get(key);
    if (hit && hit.version === this.version) return hit.rows;
    const rows = [...this.rows[entity].values()];
    if (sortBy !== 'id') rows.sort((a, b) => compareKey(a[sortBy] as string, b[sortBy] as string) || a.id - b.id);
    this.sortedCache.set(key, { version: this.version, rows });
    return rows;
  }

  create(entity: EntityName, body: unknown, source: ChangeSource): Row {
    const spec = ENTITIES[entity];
    if (!isPlainObject(body)) throw new ValidationError('Validation failed: body must be a JSON object');
    if (body[spec.required] === undefined) throw new ValidationError(`Validation failed: ${spec.required}: Parameter is required`);
    const now = this.now();
    const row: Row = {
      id: 0,
      ...spec.defaults({ userId: this.config.company.userId, currency: this.config.company.currency }),
      add_time: now,
      update_time: now,
      is_deleted: false,
      custom_fields: Object.fromEntries([...this.customFields[entity].keys()].map((k) => [k, null])),
    };
    const changed = this.apply(entity, row, body, true);
    if (entity === 'deals' && row.stage_change_time === null) row.stage_change_time = now;
    spec.derive(row, changed, now);
    row.id = this.ids[entity].take();
    this.rows[entity].set(row.id, row);
    this.version++;
    this.onChange({ entity, action: 'create', current: cloneRow(row), previous: null, id: row.id, source, at: now });
    return row;
  }

  /** Returns undefined when the record does not exist (or is deleted). */
  update(entity: EntityName, id: number, body: unknown, source: ChangeSource): Row | undefined {
    const row = this.get(entity, id);
    if (!row) return undefined;
    if (!isPlainObject(body)) throw new ValidationError('Validation failed: body must be a JSON object');
    const before = cloneRow(row);
    const draft = cloneRow(row);
    const touched = this.apply(entity, draft, body, false);
    const changed = new Set([...touched].filter((f) => !sameValue(before[f], draft[f])));
    // Writing the values a record already has is not a change: no new update_time, no webhook.
    if (changed.size === 0) return row;
    const at = this.now();
    ENTITIES[entity].derive(draft, changed, at);
    const previous = diff(before, draft);
    draft.update_time = at;
    Object.assign(row, draft);
    this.version++;
    this.onChange({ entity, action: 'change', current: cloneRow(row), previous, id, source, at });
    return row;
  }

  /** Marks the record deleted; returns undefined when it does not exist. */
  remove(entity: EntityName, id: number, source: ChangeSource): Row | undefined {
    const row = this.get(entity, id);
    if (!row) return undefined;
    const last = cloneRow(row);
    const at = this.now();
    row.is_deleted = true;
    row.update_time = at;
    this.version++;
    this.onChange({ entity, action: 'delete', current: null, previous: last, id, source, at });
    return row;
  }

  /** Copies writable body fields onto `row`; returns the names of the fields that were set. */
  private apply(entity: EntityName, row: Row, body: Record<string, unknown>, creating: boolean): Set<string> {
    const spec = ENTITIES[entity];
    const changed = new Set<string>();
    for (const [field, value] of Object.entries(body)) {
      if (value === undefined) continue;
      if (field === 'custom_fields') {
        row.custom_fields = applyCustomFields(this.customFields[entity], row.custom_fields, value);
        changed.add(field);
        continue;
      }
      const check = spec.writable[field] ?? (creating ? spec.createOnly[field] : undefined);
      // Unknown fields are refused rather than dropped, so a wrong mapping fails loudly; whether the
      // live API refuses or ignores them is UNCONFIRMED.
      if (!check) throw new ValidationError(`Validation failed: ${field}: unknown or read-only field`);
      row[field] = check(value, field);
      changed.add(field);
    }
    this.checkLinks(entity, row);
    return changed;
  }

  /**
   * Links must point at existing records; the live API's wording for a dangling link is
   * UNCONFIRMED.
   */
  private checkLinks(entity: EntityName, row: Row): void {
    if ((entity === 'persons' || entity === 'deals') && row.org_id != null && !this.get('organizations', row.org_id as number)) {
      throw new ValidationError(`Organization with id ${String(row.org_id)} not found`);
    }
    if (entity === 'deals' && row.person_id != null && !this.get('persons', row.person_id as number)) {
      throw new ValidationError(`Person with id ${String(row.person_id)} not found`);
    }
  }
}

function compareKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Old values of the fields whose value changed (`update_time` aside: it changes on every write;
 * whether the live `previous` lists it is UNCONFIRMED); custom fields are compared key by key.
 */
function diff(before: Row, after: Row): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const field of Object.keys(after)) {
    if (field === 'update_time') continue;
    if (field === 'custom_fields') {
      const changedCustom: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(after.custom_fields)) {
        if (!sameValue(before.custom_fields[k] ?? null, v)) changedCustom[k] = before.custom_fields[k] ?? null;
      }
      if (Object.keys(changedCustom).length > 0) previous.custom_fields = changedCustom;
    } else if (!sameValue(before[field], after[field])) {
      previous[field] = before[field] ?? null;
    }
  }
  return previous;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
