/**
 * What a committed record change becomes as a change event: its change type, which fields the
 * body carries, and which fields changed or were nulled. Also the `changeOrigin` of REST writes.
 */
import type { CommittedChange, SfRecord } from '../store.js';
import type { ChangeEventSchema, ChangeType } from './avroSchema.js';

export interface CapturedChange {
  changeType: ChangeType;
  /** The record the body's values come from; none for a delete. */
  record: SfRecord | undefined;
  /** Fields the body carries; every other field is null. */
  body: Set<string>;
  changed: string[];
  nulled: string[];
}

function present(value: unknown): boolean {
  return value !== null && value !== undefined;
}

function same(a: unknown, b: unknown): boolean {
  return (present(a) ? a : null) === (present(b) ? b : null);
}

/**
 * Create and undelete carry every non-empty field; an update only the fields that changed (which
 * include LastModifiedDate, and LastModifiedById when another user saved); a delete none. A record
 * created and deleted in one transaction, or "updated" without any field moving (a system change
 * that only touched SystemModstamp), yields no event.
 * UNCONFIRMED: whether Salesforce publishes anything for a record created and deleted in one
 * transaction.
 */
export function captureChange(schema: ChangeEventSchema, change: CommittedChange): CapturedChange | undefined {
  const names = schema.fields.map((f) => f.name);
  const { liveBefore, deletedBefore, liveAfter } = change;
  if (liveAfter && !liveBefore) {
    return {
      changeType: deletedBefore ? 'UNDELETE' : 'CREATE',
      record: liveAfter,
      body: new Set(names.filter((n) => present(liveAfter[n]))),
      changed: [],
      nulled: [],
    };
  }
  if (liveBefore && !liveAfter) return { changeType: 'DELETE', record: undefined, body: new Set(), changed: [], nulled: [] };
  if (liveBefore && liveAfter) {
    const changed = names.filter((n) => !same(liveBefore[n], liveAfter[n]));
    if (changed.length === 0) return undefined;
    return { changeType: 'UPDATE', record: liveAfter, body: new Set(changed), changed, nulled: changed.filter((n) => !present(liveAfter[n])) };
  }
  return undefined;
}

/**
 * `com/salesforce/api/rest/66.0`, with `;client=<id>` when the request named a client in
 * `Sforce-Call-Options: client=<id>`, which is how an integration recognises its own writes.
 * UNCONFIRMED: how other call options in the same header, or a client id with spaces, are shown.
 */
export function restChangeOrigin(version: string, callOptions: string | undefined): string {
  const client = /(?:^|[,;])\s*client\s*=\s*([^,;]*)/i.exec(callOptions ?? '')?.[1]?.trim();
  return `com/salesforce/api/rest/${version}${client ? `;client=${client}` : ''}`;
}
