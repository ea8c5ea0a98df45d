/**
 * Conversion of property values between their canonical form (what pipelines see) and plain JSON
 * on the wire, by declared type. Canonical forms: numbers as numbers, booleans as booleans,
 * `date` as `YYYY-MM-DD`, `datetime` as an ISO-8601 UTC string, null for "no value".
 */
import type { PropertyType } from '../../spec/types.js';

export class CoercionError extends Error {}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^-?\d+$/;

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    const d = DIGITS.test(text) ? new Date(Number(text)) : new Date(text);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Canonical `date` (YYYY-MM-DD) from a date, epoch ms or ISO text. */
export function canonicalDate(value: unknown): string | undefined {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  return toDate(value)?.toISOString().slice(0, 10);
}

const CANONICAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Canonical `datetime` (ISO-8601 UTC) from a date, epoch ms or ISO text. */
export function canonicalDateTime(value: unknown): string | undefined {
  // Most vendors already send this exact form; skip the Date round trip on the per-record path.
  if (typeof value === 'string' && CANONICAL_DATETIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
  return toDate(value)?.toISOString();
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Canonical value → JSON wire value. Throws `CoercionError` for a value the type cannot hold. */
export function toWire(value: unknown, type: PropertyType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
    case 'enum':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      break;
    case 'number': {
      const n = toNumber(value);
      if (n !== undefined) return n;
      break;
    }
    case 'integer': {
      const n = toNumber(value);
      if (n !== undefined && Number.isInteger(n)) return n;
      break;
    }
    case 'boolean': {
      const b = toBoolean(value);
      if (b !== undefined) return b;
      break;
    }
    case 'date': {
      const d = canonicalDate(value);
      if (d !== undefined) return d;
      break;
    }
    case 'datetime': {
      const d = canonicalDateTime(value);
      if (d !== undefined) return d;
      break;
    }
    case 'json':
      return value;
  }
  throw new CoercionError(`expected ${type}, got ${describe(value)}`);
}

/** JSON wire value → canonical value. Values that do not fit the type are passed through. */
export function fromWire(value: unknown, type: PropertyType): unknown {
  if (value === null || value === undefined) return null;
  if (value === '' && type !== 'string' && type !== 'enum') return null;
  switch (type) {
    case 'number':
      return toNumber(value) ?? value;
    case 'integer': {
      const n = toNumber(value);
      return n !== undefined && Number.isInteger(n) ? n : value;
    }
    case 'boolean':
      return toBoolean(value) ?? value;
    case 'date':
      return canonicalDate(value) ?? value;
    case 'datetime':
      return canonicalDateTime(value) ?? value;
    default:
      return value;
  }
}

/** A short description of a value's kind for error messages; never the value itself. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'an invalid date';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string that does not parse';
  return `a ${typeof value}`;
}
