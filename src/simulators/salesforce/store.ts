/**
 * The org's records, per object, with the indexes that upsert and uniqueness need and an undo
 * journal for all-or-none semantics. Stored records are never mutated: every write replaces the
 * object, so query cursors can hold the records they matched as a snapshot. A committed
 * transaction reports what it changed, which is where Change Data Capture starts.
 */
import type { RecordClock } from '../kit/rng.js';
import type { FieldDef, SObjectDef } from './schema.js';
import { formatDateTime, indexKey } from './values.js';

/** A record in wire form, keys in the object's field order. */
export type SfRecord = Readonly<Record<string, unknown>>;

export class ObjectTable {
  readonly live = new Map<string, SfRecord>();
  /** Deleted records (IsDeleted = true), kept for queryAll, `/deleted` and ENTITY_IS_DELETED. */
  readonly deleted = new Map<string, SfRecord>();
  /** Field name → index key → ids, for external-id and unique fields. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexed: FieldDef[];
  /** Next auto-number per field; burned numbers are not reused, as in Salesforce. */
  readonly autoNumbers = new Map<string, number>();

  constructor(readonly def: SObjectDef) {
    this.indexed = def.fields.filter((f) => f.externalId || f.unique);
    for (const f of this.indexed) this.indexes.set(f.name, new Map());
  }

  /** Ids of live records whose `field` equals `value` (text compared case-insensitively). */
  match(field: FieldDef, value: unknown): string[] {
    const index = this.indexes.get(field.name);
    if (index) return [...(index.get(indexKey(field, value)) ?? [])];
    const key = indexKey(field, value);
    const out: string[] = [];
    for (const [id, rec] of this.live) if (rec[field.name] !== null && rec[field.name] !== undefined && indexKey(field, rec[field.name]) === key) out.push(id);
    return out;
  }

  /** Low-level replace that keeps indexes consistent; `undefined` removes. */
  setLive(id: string, next: SfRecord | undefined): void {
    const prev = this.live.get(id);
    for (const f of this.indexed) {
      const before = prev?.[f.name];
      const after = next?.[f.name];
      if (before === after) continue;
      const index = this.indexes.get(f.name) as Map<string, Set<string>>;
      if (before !== null && before !== undefined) {
        const key = indexKey(f, before);
        const ids = index.get(key);
        ids?.delete(id);
        if (ids && ids.size === 0) index.delete(key);
      }
      if (after !== null && after !== undefined) {
        const key = indexKey(f, after);
        let ids = index.get(key);
        if (!ids) index.set(key, (ids = new Set()));
        ids.add(id);
      }
    }
    if (next) this.live.set(id, next);
    else this.live.delete(id);
  }

  setDeleted(id: string, next: SfRecord | undefined): void {
    if (next) this.deleted.set(id, next);
    else this.deleted.delete(id);
  }

  clear(): void {
    this.live.clear();
    this.deleted.clear();
    for (const index of this.indexes.values()) index.clear();
    this.autoNumbers.clear();
  }
}

interface JournalEntry {
  table: ObjectTable;
  id: string;
  live: SfRecord | undefined;
  deleted: SfRecord | undefined;
}

/** Who wrote a transaction, as its change events report it. */
export interface ChangeSource {
  /** `changeOrigin`: the API and client for API writes, empty for edits in the UI. */
  origin: string;
  /** `commitUser`. */
  userId: string;
}

/** One record's state before and after a committed transaction. */
export interface CommittedChange {
  table: ObjectTable;
  id: string;
  liveBefore: SfRecord | undefined;
  deletedBefore: SfRecord | undefined;
  liveAfter: SfRecord | undefined;
  deletedAfter: SfRecord | undefined;
}

export interface CommittedTransaction {
  source: ChangeSource;
  /** The transaction's timestamp (epoch ms on the record clock). */
  stampMs: number;
  /** In the order the records were first written. */
  changes: CommittedChange[];
}

export type CommitListener = (tx: CommittedTransaction) => void;

/**
 * One unit of work. All writes in it share one timestamp (taken from the record clock on the first
 * write), as records saved in one Salesforce transaction do. Writes apply at once; `commit` only
 * announces them. A transaction without a source (fixture loading) announces nothing.
 */
export class Transaction {
  private readonly journal: JournalEntry[] = [];
  private stampValue: string | undefined;
  private stampMs: number | undefined;

  constructor(
    private readonly clock: RecordClock,
    readonly source: ChangeSource | undefined = undefined,
    private readonly onCommit: CommitListener | undefined = undefined,
  ) {}

  stamp(): string {
    if (this.stampValue === undefined) {
      const at = this.clock.tick();
      this.stampMs = at.getTime();
      this.stampValue = formatDateTime(at);
    }
    return this.stampValue;
  }

  /**
   * Ends the transaction: reports each record's net change since the transaction began (a record
   * created and then rolled back reports nothing). Later writes would start a new journal.
   */
  commit(): void {
    const entries = this.journal.splice(0);
    if (!this.source || !this.onCommit || entries.length === 0) return;
    const firstWrite = new Map<string, JournalEntry>();
    for (const e of entries) {
      const key = `${e.table.def.name}/${e.id}`;
      if (!firstWrite.has(key)) firstWrite.set(key, e);
    }
    const changes = [...firstWrite.values()].map((e) => ({
      table: e.table,
      id: e.id,
      liveBefore: e.live,
      deletedBefore: e.deleted,
      liveAfter: e.table.live.get(e.id),
      deletedAfter: e.table.deleted.get(e.id),
    }));
    this.onCommit({ source: this.source, stampMs: this.stampMs ?? this.clock.peek().getTime(), changes });
  }

  /** Position to roll back to. */
  mark(): number {
    return this.journal.length;
  }

  rollbackTo(mark: number): void {
    while (this.journal.length > mark) {
      const e = this.journal.pop() as JournalEntry;
      e.table.setLive(e.id, e.live);
      e.table.setDeleted(e.id, e.deleted);
    }
  }

  put(table: ObjectTable, id: string, record: SfRecord): void {
    this.remember(table, id);
    table.setLive(id, record);
  }

  remove(table: ObjectTable, id: string, tombstone: SfRecord): void {
    this.remember(table, id);
    table.setLive(id, undefined);
    table.setDeleted(id, tombstone);
  }

  private remember(table: ObjectTable, id: string): void {
    this.journal.push({ table, id, live: table.live.get(id), deleted: table.deleted.get(id) });
  }
}

export class RecordStore {
  private readonly byLowerName = new Map<string, ObjectTable>();
  private readonly byPrefix = new Map<string, ObjectTable>();
  /** Told about every committed transaction that has a source. */
  onCommit: CommitListener | undefined;

  constructor(
    defs: SObjectDef[],
    private readonly clock: () => RecordClock,
  ) {
    for (const def of defs) {
      const table = new ObjectTable(def);
      this.byLowerName.set(def.name.toLowerCase(), table);
      this.byPrefix.set(def.keyPrefix, table);
    }
  }

  tables(): ObjectTable[] {
    return [...this.byLowerName.values()];
  }

  /** Object names are case-insensitive in URLs and SOQL. */
  table(name: string): ObjectTable | undefined {
    return this.byLowerName.get(name.toLowerCase());
  }

  tableForId(id: string): ObjectTable | undefined {
    return this.byPrefix.get(id.slice(0, 3));
  }

  /** Without a source the transaction's writes are never announced (fixtures). */
  begin(source?: ChangeSource): Transaction {
    return new Transaction(this.clock(), source, (tx) => this.onCommit?.(tx));
  }

  clear(): void {
    for (const t of this.byLowerName.values()) t.clear();
  }
}
