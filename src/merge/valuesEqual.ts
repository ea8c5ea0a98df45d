/**
 * Semantic equality of field values across systems. The merge decides "changed since the base"
 * with it, so it must see through representation: a CRM that returns every property as a string
 * (HubSpot sends `"17"`, `"false"`, dates as epoch-ms `"1572480000000"`) must not look like a
 * change of the local `17`, `false` or `2019-10-31`, or every sync would write every field back.
 */

/** Empty values: absent, null, a blank string and an empty list all mean "no value". */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const EPOCH_MS = /^-?\d{1,15}$/;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

type Temporal = { kind: 'day'; day: string } | { kind: 'instant'; ms: number };

function isoTemporal(s: string): Temporal | undefined {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) return undefined;
  if (h === undefined) return { kind: 'day', day: `${y}-${mo}-${d}` };
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = sec === undefined ? 0 : Number(sec);
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  // A date-time without a zone is read as UTC, never in the host's time zone, so the result does
  // not depend on where syncd runs.
  return { kind: 'instant', ms: Date.UTC(year, month, day, hours, minutes, seconds, ms) - offsetMinutes * 60_000 };
}

/** A value that announces itself as a date: a Date or an ISO-8601 date or date-time string. */
function ownTemporal(value: unknown): Temporal | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { kind: 'instant', ms: value.getTime() };
  if (typeof value === 'string') return isoTemporal(value.trim());
  return undefined;
}

/** A value read as a date because the other side is one: also epoch milliseconds (number or digits). */
function temporalBeside(value: unknown): Temporal | undefined {
  const own = ownTemporal(value);
  if (own) return own;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { kind: 'instant', ms: value };
  if (typeof value === 'string' && EPOCH_MS.test(value.trim())) return { kind: 'instant', ms: Number(value.trim()) };
  return undefined;
}

function utcDay(t: Temporal): string {
  return t.kind === 'day' ? t.day : new Date(t.ms).toISOString().slice(0, 10);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Whether two field values mean the same thing. The rules, in the order they apply:
 *
 * 1. Empty values are equal to each other and to nothing else: `undefined` (absent), `null`,
 *    `''` or a blank string, `[]`.
 * 2. Dates: when either side is a `Date` or an ISO-8601 string (`2025-01-01`,
 *    `2025-01-01T10:00:00Z`, `…+01:00`, `…+0100`, or with a space for the `T`), the other side may
 *    also be epoch milliseconds (a number or a string of digits). Two instants are equal at the
 *    same millisecond; when either side is a date without a time, they are equal on the same UTC
 *    calendar day (a CRM date field holds midnight UTC). A date-time without a zone is UTC.
 * 3. Numbers: when either side is a number, the other may be a numeric string (`17` = `"17"` =
 *    `"17.0"`); compared as IEEE doubles. Two strings are never compared as numbers, so `"0123"`
 *    and `"123"` (a postcode, an id) stay different.
 * 4. Booleans: when either side is a boolean, the other may be `"true"`/`"false"` in any case.
 * 5. Lists are equal when they have the same length and equal items in the same order.
 * 6. Plain objects are equal when every key's values are equal by these rules (a missing key
 *    equals an empty value).
 * 7. Otherwise strings are compared exactly after trimming surrounding white space, and other
 *    values with `Object.is`.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  const aEmpty = isEmpty(a);
  const bEmpty = isEmpty(b);
  if (aEmpty || bEmpty) return aEmpty && bEmpty;

  if (ownTemporal(a) || ownTemporal(b)) {
    const ta = temporalBeside(a);
    const tb = temporalBeside(b);
    if (ta && tb) {
      if (ta.kind === 'day' || tb.kind === 'day') return utcDay(ta) === utcDay(tb);
      return ta.ms === tb.ms;
    }
  }

  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'bigint' || typeof b === 'bigint') {
    const na = asNumber(a);
    const nb = asNumber(b);
    if (na !== undefined && nb !== undefined) return na === nb;
  }

  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const ba = asBoolean(a);
    const bb = asBoolean(b);
    if (ba !== undefined && bb !== undefined) return ba === bb;
  }

  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, b[i]));
  }

  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!valuesEqual(a[k], b[k])) return false;
    return true;
  }

  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  return Object.is(a, b);
}
