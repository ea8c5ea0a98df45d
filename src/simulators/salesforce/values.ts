/**
 * Field values on the wire. Records are stored in the form the API returns them, so reads need no
 * conversion: numbers and booleans as JSON values, dates as `YYYY-MM-DD`, datetimes as
 * `2026-01-01T00:00:01.000+0000` (fixed width in UTC, so comparing the strings compares instants).
 */
import { SfRecordError } from './errors.js';
import { canonicalId } from './ids.js';
import type { FieldDef } from './schema.js';

export function formatDateTime(date: Date | number): string {
  return new Date(date).toISOString().replace('Z', '+0000');
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses an ISO datetime with zone (`Z`, `+01:00`, `+0100`) into epoch ms, or NaN. */
export function parseDateTime(text: string): number {
  const m = DATETIME.exec(text);
  if (!m) return NaN;
  const zone = m[8] as string;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}${zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`}`;
  return Date.parse(iso);
}

export function isValidDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function jsonToken(value: unknown): string {
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  if (Array.isArray(value)) return 'START_ARRAY';
  return 'START_OBJECT';
}

function cannotDeserialize(field: FieldDef, value: unknown): SfRecordError {
  const shown = typeof value === 'object' && value !== null ? (Array.isArray(value) ? '[' : '{') : String(value);
  // UNCONFIRMED: real responses append the JSON position ("at [line:1, column:12]"), which this
  // simulator does not track.
  return new SfRecordError({
    errorCode: 'JSON_PARSER_ERROR',
    message: `Cannot deserialize instance of ${field.type} from ${jsonToken(value)} value ${shown} or request may be missing a required field`,
  });
}

/**
 * Converts a client-supplied value to its stored form, or throws a record error. Empty strings
 * become null, as Salesforce never stores empty text.
 */
export function coerceValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === '') return null;
  switch (field.type) {
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
    case 'picklist': {
      if (typeof value === 'object') throw cannotDeserialize(field, value);
      const text = String(value);
      if (text.length > field.length) {
        throw new SfRecordError({
          errorCode: 'STRING_TOO_LONG',
          message: `${field.label}: data value too large: ${text.slice(0, 80)} (max length=${field.length})`,
          fields: [field.name],
        });
      }
      if (field.type === 'picklist' && field.restrictedPicklist && !field.picklistValues.includes(text)) {
        throw new SfRecordError({
          errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: `${field.label}: bad value for restricted picklist field: ${text}`,
          fields: [field.name],
        });
      }
      return text;
    }
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n) || (field.type === 'int' && !Number.isInteger(n))) throw cannotDeserialize(field, value);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw cannotDeserialize(field, value);
    case 'date':
      if (typeof value !== 'string') throw cannotDeserialize(field, value);
      if (isValidDate(value)) return value;
      // A datetime is accepted for a date field; its calendar day in UTC is kept.
      if (!Number.isNaN(parseDateTime(value))) return new Date(parseDateTime(value)).toISOString().slice(0, 10);
      throw cannotDeserialize(field, value);
    case 'datetime': {
      if (typeof value !== 'string') throw cannotDeserialize(field, value);
      const ms = parseDateTime(value);
      if (Number.isNaN(ms)) throw cannotDeserialize(field, value);
      return formatDateTime(ms);
    }
    case 'id':
    case 'reference': {
      if (typeof value !== 'string') throw cannotDeserialize(field, value);
      const id = canonicalId(value);
      if (!id) {
        throw new SfRecordError({ errorCode: 'MALFORMED_ID', message: `${field.label}: id value of incorrect type: ${value}`, fields: [field.name] });
      }
      return id;
    }
  }
}

/** The key under which a value is indexed for external-id and uniqueness matching. */
export function indexKey(field: FieldDef, value: unknown): string {
  return field.caseInsensitive ? String(value).toUpperCase() : String(value);
}
