/**
 * JSONata 2's value rules (truthiness, string conversion, equality, comparison, arithmetic) and
 * the built-in functions the compiled fast path supports, each a transcription of the
 * `jsonata` package's own code for the argument types handled here.
 *
 * Wherever JSONata would raise an error, or where its behaviour on a value is not reproduced
 * here, these functions throw `STOP`: the fast path then hands the input to the real evaluator,
 * which produces the real result or the real error with its code.
 */

/** Thrown to abandon the fast path; never escapes `compileFast`'s expressions. */
export const STOP: { readonly stop: true } = Object.freeze({ stop: true });

export function stop(): never {
  throw STOP;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** JSONata's own function objects: lookups and conversions treat them specially; the fast path never models them. */
export function isJsonataFunction(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (v === null || typeof v !== 'object') return false;
  const o = v as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return o._jsonata_function === true || o._jsonata_lambda === true;
}

/** `isNumeric` of JSONata: NaN is not a number there, and an infinite number is error D1001. */
export function isNumeric(v: unknown): v is number {
  if (typeof v !== 'number' || Number.isNaN(v)) return false;
  if (!Number.isFinite(v)) stop();
  return true;
}

/** The type letter JSONata's signature checker assigns to an argument. */
export type TypeLetter = 's' | 'n' | 'b' | 'l' | 'a' | 'o' | 'f' | 'm';

export function symbolOf(v: unknown): TypeLetter {
  if (isJsonataFunction(v)) return 'f';
  switch (typeof v) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    case 'object':
      return v === null ? 'l' : Array.isArray(v) ? 'a' : 'o';
    default:
      return 'm';
  }
}

/** `$boolean`: the effective boolean value; undefined stays undefined. */
export function toBoolean(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 1) return toBoolean(v[0]);
    for (const item of v) if (toBoolean(item)) return true;
    return false;
  }
  if (typeof v === 'string') return v.length > 0;
  if (isNumeric(v)) return v !== 0;
  if (isJsonataFunction(v)) stop();
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return v === true;
}

/** Truthiness of a condition or an `and`/`or` operand: undefined counts as false. */
export function truthy(v: unknown): boolean {
  return toBoolean(v) === true;
}

function jsonReplacer(_key: string, val: unknown): unknown {
  if (val !== undefined && val !== null && isNumeric(val)) {
    return !Number.isInteger(val) ? Number(val.toPrecision(15)) : val;
  }
  if (val && isJsonataFunction(val)) stop();
  return val;
}

/** `$string` with one argument, and each operand of `&`. */
export function toStringValue(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (isJsonataFunction(v)) stop();
  // D3001: JSONata refuses to stringify an infinite number.
  if (typeof v === 'number' && !Number.isFinite(v)) stop();
  const out = JSON.stringify(v, jsonReplacer);
  // JSON.stringify gives undefined for values JSON has no form for (symbols, bigint throws).
  if (typeof out !== 'string') stop();
  return out;
}

export function concat(l: unknown, r: unknown): string {
  return (l === undefined ? '' : (toStringValue(l) as string)) + (r === undefined ? '' : (toStringValue(r) as string));
}

/** `isDeepEqual` of JSONata, which `=` and `!=` use. */
export function deepEqual(l: unknown, r: unknown): boolean {
  if (l === r) return true;
  if (typeof l === 'object' && typeof r === 'object' && l !== null && r !== null) {
    if (Array.isArray(l) && Array.isArray(r)) {
      if (l.length !== r.length) return false;
      for (let i = 0; i < l.length; i++) if (!deepEqual(l[i], r[i])) return false;
      return true;
    }
    const lk = Object.getOwnPropertyNames(l).sort();
    const rk = Object.getOwnPropertyNames(r).sort();
    if (lk.length !== rk.length) return false;
    for (let i = 0; i < lk.length; i++) if (lk[i] !== rk[i]) return false;
    for (const k of lk) if (!deepEqual((l as Record<string, unknown>)[k], (r as Record<string, unknown>)[k])) return false;
    return true;
  }
  return false;
}

export type ComparisonOp = '<' | '<=' | '>' | '>=';

export function compare(l: unknown, r: unknown, op: ComparisonOp): boolean | undefined {
  const lt = typeof l;
  const rt = typeof r;
  // T2010 (not comparable) and T2009 (different types) are left to JSONata.
  if ((lt !== 'undefined' && lt !== 'string' && lt !== 'number') || (rt !== 'undefined' && rt !== 'string' && rt !== 'number')) stop();
  if (lt === 'undefined' || rt === 'undefined') return undefined;
  if (lt !== rt) stop();
  const a = l as number | string;
  const b = r as number | string;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

export function arithmetic(l: unknown, r: unknown, op: ArithmeticOp): number | undefined {
  // T2001/T2002: a non-numeric operand is an error, even next to an undefined one.
  if (l !== undefined && !isNumeric(l)) stop();
  if (r !== undefined && !isNumeric(r)) stop();
  if (l === undefined || r === undefined) return undefined;
  const a = l as number;
  const b = r as number;
  let out: number;
  switch (op) {
    case '+':
      out = a + b;
      break;
    case '-':
      out = a - b;
      break;
    case '*':
      out = a * b;
      break;
    case '/':
      out = a / b;
      break;
    case '%':
      out = a % b;
      break;
  }
  // Infinity or NaN from an overflow or a division by zero: JSONata's later handling of such
  // values (D1001 in some places, silent in others) is not reproduced.
  if (!Number.isFinite(out)) stop();
  return out;
}

export function negate(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (!isNumeric(v)) stop(); // D1002
  return -v;
}

export function includes(l: unknown, r: unknown): boolean {
  if (l === undefined || r === undefined) return false;
  const list = Array.isArray(r) ? r : [r];
  for (const item of list) if (item === l) return true;
  return false;
}

/** Own keys JSONata's objects may carry that an ordinary object literal would misread. */
export function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === '_jsonata_lambda' || key === '_jsonata_function';
}

function stringArg(v: unknown): string | undefined {
  if (v !== undefined && typeof v !== 'string') stop(); // T0410
  return v;
}

function numberArg(v: unknown): number | undefined {
  if (v !== undefined && typeof v !== 'number') stop(); // T0410
  return v;
}

function codePoints(s: string): string[] {
  const out: string[] = [];
  for (const ch of s) out.push(ch);
  return out;
}

function trim(s: string): string {
  let out = s.replace(/[ \t\n\r]+/gm, ' ');
  if (out.charAt(0) === ' ') out = out.substring(1);
  if (out.charAt(out.length - 1) === ' ') out = out.substring(0, out.length - 1);
  return out;
}

function substring(s: string, start: number, length: number | undefined): string {
  const chars = codePoints(s);
  if (chars.length + start < 0) start = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = start >= 0 ? start + length : chars.length + start + length;
    return chars.slice(start, end).join('');
  }
  return chars.slice(start).join('');
}

function toNumber(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/.test(v) && !Number.isNaN(parseFloat(v)) && Number.isFinite(Number(v))) return parseFloat(v);
    if (/^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/.test(v)) return Number(v);
    stop(); // D3030
  }
  if (v === true) return 1;
  if (v === false) return 0;
  return stop(); // T0410 for null, arrays, objects
}

function round(arg: number, precision: number | undefined): number {
  let x = arg;
  if (precision) {
    const parts = x.toString().split('e');
    x = +(parts[0] + 'e' + (parts[1] ? +parts[1] + precision : precision));
  }
  let out = Math.round(x);
  const diff = out - x;
  if (Math.abs(diff) === 0.5 && Math.abs(out % 2) === 1) out = out - 1;
  if (precision) {
    const parts = out.toString().split('e');
    out = +(parts[0] + 'e' + (parts[1] ? +parts[1] - precision : -precision));
  }
  if (Object.is(out, -0)) out = 0;
  return out;
}

function merge(arg: unknown): Record<string, unknown> | undefined {
  if (arg === undefined) return undefined;
  const list = Array.isArray(arg) ? arg : [arg];
  for (const item of list) {
    if (symbolOf(item) !== 'o') stop(); // T0412
    // Object.assign would set the prototype where JSONata copies an own `__proto__` key.
    if (hasOwn.call(item, '__proto__')) stop();
  }
  // Own enumerable string keys, later objects winning, as JSONata's merge; a key whose value is
  // undefined is kept, as there (plain form drops it at the end). Symbol keys, which
  // Object.assign also copies, are invisible to every JSONata operation and to plain form.
  return Object.assign({}, ...(list as object[])) as Record<string, unknown>;
}

function join(arg: unknown, separator: unknown): string | undefined {
  const sep = stringArg(separator);
  if (arg === undefined) return undefined;
  const list = Array.isArray(arg) ? arg : [arg];
  for (const item of list) if (typeof item !== 'string') stop(); // T0412
  return list.join(sep ?? '');
}

function replace(str: unknown, pattern: unknown, replacement: unknown): string | undefined {
  // The signature admits functions for pattern and replacement; only literal strings are modelled.
  if (symbolOf(pattern) === 'f' || symbolOf(replacement) === 'f') stop();
  const s = stringArg(str);
  if (pattern !== undefined && typeof pattern !== 'string') stop();
  if (replacement !== undefined && typeof replacement !== 'string') stop();
  if (s === undefined) return undefined;
  if (typeof pattern !== 'string' || pattern === '' || typeof replacement !== 'string') stop(); // D3010 and matcher errors
  let out = '';
  let position = 0;
  let index = s.indexOf(pattern, position);
  while (index !== -1) {
    out += s.substring(position, index) + replacement;
    position = index + pattern.length;
    index = s.indexOf(pattern, position);
  }
  return out + s.substring(position);
}

/** A built-in function: the argument counts it is compiled for, and its body. */
export interface Builtin {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** `count` is the number of arguments written in the call. */
  call(a: unknown, b: unknown, c: unknown, count: number): unknown;
}

const fn = (minArgs: number, maxArgs: number, call: Builtin['call']): Builtin => ({ minArgs, maxArgs, call });

/**
 * Argument counts are limited to those where JSONata's signature matching never substitutes the
 * context for a missing first argument (e.g. `$substringAfter("x")` means `$substringAfter($, "x")`).
 */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['lowercase', fn(1, 1, (a) => stringArg(a)?.toLowerCase())],
  ['uppercase', fn(1, 1, (a) => stringArg(a)?.toUpperCase())],
  ['trim', fn(1, 1, (a) => {
    const s = stringArg(a);
    return s === undefined ? undefined : trim(s);
  })],
  ['length', fn(1, 1, (a) => {
    const s = stringArg(a);
    return s === undefined ? undefined : codePoints(s).length;
  })],
  ['substringAfter', fn(2, 2, (a, b) => {
    const s = stringArg(a);
    const chars = stringArg(b);
    if (s === undefined) return undefined;
    if (chars === undefined) stop();
    const pos = s.indexOf(chars);
    return pos > -1 ? s.substring(pos + chars.length) : s;
  })],
  ['substringBefore', fn(2, 2, (a, b) => {
    const s = stringArg(a);
    const chars = stringArg(b);
    if (s === undefined) return undefined;
    if (chars === undefined) stop();
    const pos = s.indexOf(chars);
    return pos > -1 ? s.substring(0, pos) : s;
  })],
  ['substring', fn(2, 3, (a, b, c, count) => {
    const s = stringArg(a);
    // start is required and length optional, but neither may be undefined when written (T0410).
    if (typeof b !== 'number') stop();
    if (count === 3 && typeof c !== 'number') stop();
    return s === undefined ? undefined : substring(s, b, c as number | undefined);
  })],
  ['contains', fn(2, 2, (a, b) => {
    const s = stringArg(a);
    const token = stringArg(b);
    if (s === undefined || token === undefined) return undefined;
    return s.indexOf(token) !== -1;
  })],
  ['string', fn(1, 1, (a) => toStringValue(a))],
  ['number', fn(1, 1, (a) => toNumber(a))],
  ['boolean', fn(1, 1, (a) => toBoolean(a))],
  ['not', fn(1, 1, (a) => {
    const b = toBoolean(a);
    return b === undefined ? undefined : !b;
  })],
  ['exists', fn(1, 1, (a) => a !== undefined)],
  ['merge', fn(1, 1, (a) => merge(a))],
  ['join', fn(1, 2, (a, b) => join(a, b))],
  ['round', fn(1, 2, (a, b) => {
    const n = numberArg(a);
    const p = numberArg(b);
    return n === undefined ? undefined : round(n, p);
  })],
  ['floor', fn(1, 1, (a) => {
    const n = numberArg(a);
    return n === undefined ? undefined : Math.floor(n);
  })],
  ['ceil', fn(1, 1, (a) => {
    const n = numberArg(a);
    return n === undefined ? undefined : Math.ceil(n);
  })],
  ['abs', fn(1, 1, (a) => {
    const n = numberArg(a);
    return n === undefined ? undefined : Math.abs(n);
  })],
  ['replace', fn(3, 3, (a, b, c) => replace(a, b, c))],
]);

/** Every name JSONata binds in its environment: an unbound `$name` among these is a function value. */
export const JSONATA_ENVIRONMENT_NAMES: ReadonlySet<string> = new Set(
  (
    'abs append assert average base64decode base64encode boolean ceil clone contains count decodeUrl ' +
    'decodeUrlComponent distinct each encodeUrl encodeUrlComponent error eval exists filter floor ' +
    'formatBase formatInteger formatNumber fromMillis join keys length lookup lowercase map match max ' +
    'merge millis min not now number pad parseInteger power random reduce replace reverse round shuffle ' +
    'sift single sort split spread sqrt string substring substringAfter substringBefore sum toMillis trim ' +
    'type uppercase zip'
  ).split(' '),
);
