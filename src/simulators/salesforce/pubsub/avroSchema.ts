/**
 * The Avro schema of one object's change events, as the Pub/Sub API serves it: a record named
 * `{Object}ChangeEvent` (`Quote__ChangeEvent` for `Quote__c`) in `com.sforce.eventbus`, whose
 * first field is the `ChangeEventHeader` and whose other fields are the object's fields, each a
 * union `["null", T]` with default null. Payloads are plain Avro binary, without container framing.
 */
import { createHash } from 'node:crypto';
import avro from 'avsc';
import { isDerivedField } from '../dml.js';
import type { FieldDef, FieldType, SObjectDef } from '../schema.js';
import type { SfRecord } from '../store.js';
import { parseDateTime } from '../values.js';

const NAMESPACE = 'com.sforce.eventbus';

export const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE', 'GAP_OVERFLOW'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface ChangeEventHeader {
  entityName: string;
  recordIds: string[];
  changeType: ChangeType;
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  nulledFields: string[];
  diffFields: string[];
  changedFields: string[];
}

const stringArray = { type: 'array', items: 'string' };

const HEADER_SCHEMA = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: NAMESPACE,
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: stringArray },
    { name: 'changeType', type: { type: 'enum', name: 'ChangeType', namespace: NAMESPACE, symbols: [...CHANGE_TYPES] } },
    { name: 'changeOrigin', type: 'string' },
    { name: 'transactionKey', type: 'string' },
    { name: 'sequenceNumber', type: 'int' },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
    { name: 'commitUser', type: 'string' },
    { name: 'nulledFields', type: stringArray },
    { name: 'diffFields', type: stringArray },
    { name: 'changedFields', type: stringArray },
  ],
};

function avroType(type: FieldType): unknown {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    case 'int':
      return 'int';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'datetime':
      return 'long';
    default:
      return 'string';
  }
}

/** The stored value (JSON wire form) as Avro wants it: dates as days, datetimes as epoch ms. */
function avroValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'date') return Math.round(Date.parse(`${String(value)}T00:00:00Z`) / 86_400_000);
  if (field.type === 'datetime') return parseDateTime(String(value));
  return value;
}

/** `Account` → `AccountChangeEvent`, `Quote__c` → `Quote__ChangeEvent`. */
export function changeEventName(objectName: string): string {
  return objectName.endsWith('__c') ? `${objectName.slice(0, -3)}__ChangeEvent` : `${objectName}ChangeEvent`;
}

/** A stable id for a schema, shaped like Salesforce's 22-character schema ids. */
export function schemaIdOf(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 22);
}

export class ChangeEventSchema {
  readonly eventName: string;
  readonly topicName: string;
  readonly json: string;
  readonly id: string;
  /** Body fields in Avro order; the Avro index of `fields[i]` is `i + 1` (0 is the header). */
  readonly fields: FieldDef[];
  private readonly index = new Map<string, number>();
  private readonly type: avro.Type;

  constructor(readonly def: SObjectDef) {
    this.eventName = changeEventName(def.name);
    this.topicName = `/data/${this.eventName}`;
    // Change events leave out Id (it is in recordIds), IsDeleted, SystemModstamp and derived fields.
    // UNCONFIRMED: a real Contact event nests FirstName/LastName in a compound `Name` record; here
    // they stay top-level fields and the derived Name is left out.
    this.fields = def.fields.filter((f) => f.name !== 'Id' && f.name !== 'IsDeleted' && f.name !== 'SystemModstamp' && !isDerivedField(def, f));
    this.fields.forEach((f, i) => this.index.set(f.name, i + 1));
    const schema = {
      type: 'record',
      name: this.eventName,
      namespace: NAMESPACE,
      fields: [
        { name: 'ChangeEventHeader', type: HEADER_SCHEMA },
        ...this.fields.map((f) => ({ name: f.name, type: ['null', avroType(f.type)], default: null })),
      ],
    };
    this.json = JSON.stringify(schema);
    this.id = schemaIdOf(this.json);
    this.type = avro.Type.forSchema(schema as avro.Schema);
  }

  /**
   * The Pub/Sub API sends changedFields, nulledFields and diffFields as bitmaps rather than names:
   * a hex string whose bit i stands for field i of the Avro record (bit 0, the header, is never
   * set). UNCONFIRMED: the digit case and padding; Salesforce's examples decode any hex length, and
   * nested `"{parent}-0x…"` entries (compound fields) never occur here since none are modelled.
   */
  bitmap(fieldNames: string[]): string[] {
    let bits = 0n;
    for (const name of fieldNames) {
      const i = this.index.get(name);
      if (i !== undefined) bits |= 1n << BigInt(i);
    }
    return bits === 0n ? [] : [`0x${bits.toString(16).toUpperCase()}`];
  }

  /** Encodes an event whose body carries `values` for the named fields and null for the rest. */
  encode(header: ChangeEventHeader, record: SfRecord | undefined, bodyFields: ReadonlySet<string>): Buffer {
    const body: Record<string, unknown> = { ChangeEventHeader: header };
    for (const f of this.fields) body[f.name] = record && bodyFields.has(f.name) ? avroValue(f, record[f.name]) : null;
    return this.type.toBuffer(body);
  }
}
