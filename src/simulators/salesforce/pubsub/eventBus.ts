/**
 * The org's change event log: the topics and schemas of the objects selected for Change Data
 * Capture, the retained events with their replay ids, and the live feed open streams follow.
 *
 * Replay ids are 8-byte big-endian numbers that grow by a seeded 1..7 per event, so they are
 * ordered but not contiguous: clients must store them, never compute them. They keep growing
 * across resets, so an id from before a reset reads as purged rather than as a different event.
 * Events are kept for the configured retention, measured on the kit's record clock, so tests
 * expire them by advancing that clock.
 */
import { randomHex, seededRandom, type RecordClock } from '../../kit/rng.js';
import type { SObjectDef } from '../schema.js';
import type { CommittedTransaction } from '../store.js';
import { ChangeEventSchema, type ChangeEventHeader, type ChangeType } from './avroSchema.js';
import { captureChange } from './capture.js';

export const ALL_CHANGE_EVENTS_TOPIC = '/data/ChangeEvents';
export const REPLAY_ID_BYTES = 8;

export interface LoggedEvent {
  replayId: bigint;
  replayIdBytes: Buffer;
  /** `ProducerEvent.id`, a UUID. */
  eventId: string;
  schemaId: string;
  entityName: string;
  changeType: ChangeType;
  recordIds: string[];
  /** commitTimestamp, on the record clock; retention counts from here. */
  committedAt: number;
  payload: Buffer;
}

export interface Topic {
  name: string;
  /** The one object the topic carries; undefined for `/data/ChangeEvents`. */
  entity: string | undefined;
  schemaId: string;
}

export type ReplayCheck = { ok: true; cursor: bigint } | { ok: false; reason: 'corrupted' | 'invalid'; message: string };

export function replayIdBytes(n: bigint): Buffer {
  const b = Buffer.alloc(REPLAY_ID_BYTES);
  b.writeBigUInt64BE(n);
  return b;
}

function seededUuid(rand: () => number): string {
  const h = randomHex(rand, 32);
  const variant = '89ab'[Math.floor(rand() * 4)] as string;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class ChangeEventBus {
  private readonly byEntity = new Map<string, ChangeEventSchema>();
  private readonly byId = new Map<string, ChangeEventSchema>();
  private readonly topics = new Map<string, Topic>();
  private log: LoggedEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private clock: RecordClock | undefined;
  private rand: () => number = seededRandom(1);
  /** The newest replay id handed out (or the starting point before the first). */
  private lastIssued = 0n;
  /** Events up to this id are gone: replaying from an earlier id would skip them. */
  private purgedThrough = 0n;
  private commitNumber = 0;

  constructor(
    defs: SObjectDef[],
    entities: string[],
    private readonly retentionMs: number,
  ) {
    for (const name of entities) {
      const def = defs.find((d) => d.name === name);
      if (!def) continue;
      const schema = new ChangeEventSchema(def);
      this.byEntity.set(def.name, schema);
      this.byId.set(schema.id, schema);
      this.topics.set(schema.topicName, { name: schema.topicName, entity: def.name, schemaId: schema.id });
    }
    const first = [...this.byEntity.values()][0];
    // UNCONFIRMED: the schema id GetTopic reports for the multi-object channel; each event names
    // its own object's schema, which is what subscribers must decode with.
    if (first) this.topics.set(ALL_CHANGE_EVENTS_TOPIC, { name: ALL_CHANGE_EVENTS_TOPIC, entity: undefined, schemaId: first.id });
  }

  attach(clock: RecordClock, seed: number): void {
    this.clock = clock;
    this.rand = seededRandom(seed ^ 0x0cdc);
    this.lastIssued = BigInt(1_000_000 + Math.floor(this.rand() * 9_000_000));
    this.purgedThrough = this.lastIssued;
    this.commitNumber = 10_000_000_000 + Math.floor(this.rand() * 1_000_000_000);
  }

  topic(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  schemaJson(schemaId: string): string | undefined {
    return this.byId.get(schemaId)?.json;
  }

  /** Publishes one event per changed record of an enabled object, in the order they were written. */
  capture(tx: CommittedTransaction): void {
    const transactionKey = seededUuid(this.rand);
    let sequenceNumber = 0;
    let commitNumber = 0;
    for (const change of tx.changes) {
      const schema = this.byEntity.get(change.table.def.name);
      const captured = schema ? captureChange(schema, change) : undefined;
      if (!schema || !captured) continue;
      if (sequenceNumber === 0) {
        // Commit numbers of other tenants' transactions interleave, so they grow by more than one.
        this.commitNumber += 1 + Math.floor(this.rand() * 50);
        commitNumber = this.commitNumber;
      }
      sequenceNumber += 1;
      const header: ChangeEventHeader = {
        entityName: schema.def.name,
        recordIds: [change.id],
        changeType: captured.changeType,
        changeOrigin: tx.source.origin,
        transactionKey,
        sequenceNumber,
        commitTimestamp: tx.stampMs,
        commitNumber,
        commitUser: tx.source.userId,
        nulledFields: schema.bitmap(captured.nulled),
        diffFields: [],
        changedFields: schema.bitmap(captured.changed),
      };
      this.lastIssued += BigInt(1 + Math.floor(this.rand() * 7));
      this.log.push({
        replayId: this.lastIssued,
        replayIdBytes: replayIdBytes(this.lastIssued),
        eventId: seededUuid(this.rand),
        schemaId: schema.id,
        entityName: schema.def.name,
        changeType: captured.changeType,
        recordIds: header.recordIds,
        committedAt: tx.stampMs,
        payload: schema.encode(header, captured.record, captured.body),
      });
    }
    if (sequenceNumber === 0) return;
    this.purgeExpired();
    for (const listener of [...this.listeners]) listener();
  }

  /** Called after every publish; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where LATEST starts: after everything published so far. */
  latestCursor(): bigint {
    return this.lastIssued;
  }

  latestReplayIdBytes(): Buffer {
    return replayIdBytes(this.lastIssued);
  }

  /** Where EARLIEST starts: before the oldest retained event. */
  earliestCursor(): bigint {
    this.purgeExpired();
    return this.purgedThrough;
  }

  /** A CUSTOM replay id: well formed, not older than what was purged, not newer than what was issued. */
  resolveReplayId(bytes: Buffer): ReplayCheck {
    if (bytes.length !== REPLAY_ID_BYTES) return { ok: false, reason: 'corrupted', message: `The replay ID ${bytes.toString('hex')} is not valid.` };
    const id = bytes.readBigUInt64BE();
    this.purgeExpired();
    if (id < this.purgedThrough) return { ok: false, reason: 'invalid', message: `The replay ID ${bytes.toString('hex')} is no longer retained.` };
    if (id > this.lastIssued) return { ok: false, reason: 'invalid', message: `The replay ID ${bytes.toString('hex')} has not been issued.` };
    return { ok: true, cursor: id };
  }

  /** Up to `limit` retained events of `topic` with a replay id above `cursor`. */
  eventsAfter(cursor: bigint, topic: Topic, limit: number): LoggedEvent[] {
    this.purgeExpired();
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.log[mid] as LoggedEvent).replayId <= cursor) lo = mid + 1;
      else hi = mid;
    }
    const out: LoggedEvent[] = [];
    for (let i = lo; i < this.log.length && out.length < limit; i++) {
      const e = this.log[i] as LoggedEvent;
      if (topic.entity === undefined || e.entityName === topic.entity) out.push(e);
    }
    return out;
  }

  retained(): readonly LoggedEvent[] {
    this.purgeExpired();
    return this.log;
  }

  /** Drops events committed before `epochMs` (record clock); returns how many. */
  purgeBefore(epochMs: number): number {
    let n = 0;
    while (n < this.log.length && (this.log[n] as LoggedEvent).committedAt < epochMs) n++;
    if (n === 0) return 0;
    this.purgedThrough = (this.log[n - 1] as LoggedEvent).replayId;
    this.log = this.log.slice(n);
    return n;
  }

  private purgeExpired(): void {
    if (this.clock) this.purgeBefore(this.clock.peek().getTime() - this.retentionMs);
  }

  /** Reset: the log empties, and every id handed out before the last one reads as purged. */
  clear(): void {
    this.log = [];
    this.purgedThrough = this.lastIssued;
  }
}
