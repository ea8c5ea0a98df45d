/**
 * Key-based redaction of structured values (log fields, error objects, header maps, audit payloads),
 * combined with the value-based scrubbing of `secrets.ts` for every string met on the way.
 */
import { processSecrets, REDACTED, type SecretRegistry } from './secrets.js';

/** Keys whose value is always a credential, compared without case, `-` or `_`. */
const SENSITIVE_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'secret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'clientsecret',
  'apikey',
  'xapikey',
  'apitoken',
  'privatekey',
  'credentials',
]);

/** Fragments that make a key sensitive wherever they appear (`http_auth_password`, `X-HubSpot-Signature-v3`). */
const SENSITIVE_FRAGMENTS = ['password', 'secret', 'signature', 'authorization', 'cookie', 'apikey', 'privatekey'];

/** Suffixes that make a key sensitive (`bearerToken`, `sessionTokens`). */
const SENSITIVE_SUFFIXES = ['token', 'tokens'];

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SENSITIVE_KEYS.has(k)) return true;
  for (const f of SENSITIVE_FRAGMENTS) if (k.includes(f)) return true;
  for (const s of SENSITIVE_SUFFIXES) if (k.endsWith(s)) return true;
  return false;
}

export interface RedactOptions {
  /** Registry of secret values to scrub from strings. @defaultValue the process-wide registry */
  secrets?: SecretRegistry;
  /** Nesting depth beyond which values are replaced by `[Truncated]`. @defaultValue 10 */
  maxDepth?: number;
}

/**
 * Returns a JSON-safe copy of `value` with sensitive keys replaced by `[REDACTED]` at any depth,
 * registered secret values scrubbed from every string, and errors turned into plain objects
 * (`type`, `message`, `stack`, `code`, own properties, `cause`) so that their properties, such as a
 * request's header map on an HTTP client error, are redacted too.
 */
export function redactValue(value: unknown, options: RedactOptions = {}): unknown {
  const walker = new Walker(options.secrets ?? processSecrets, options.maxDepth ?? 10);
  return walker.walk(value, 0);
}

class Walker {
  private readonly ancestors = new WeakSet<object>();

  constructor(
    private readonly secrets: SecretRegistry,
    private readonly maxDepth: number,
  ) {}

  walk(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return this.secrets.redact(value);
      case 'number':
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        return value.toString();
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return null;
    const obj = value as object;
    if (depth >= this.maxDepth) return '[Truncated]';
    if (this.ancestors.has(obj)) return '[Circular]';
    // Raw bytes may hold anything (a request body with a token); never dump them.
    if (obj instanceof Uint8Array) return `[${obj.byteLength} bytes]`;
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
    this.ancestors.add(obj);
    try {
      if (obj instanceof Error) return this.error(obj, depth);
      if (Array.isArray(obj)) return obj.map((v) => this.walk(v, depth + 1));
      if (obj instanceof Map || isHeadersLike(obj)) return this.entries((obj as Map<unknown, unknown>).entries(), depth);
      if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
        return this.walk((obj as { toJSON(): unknown }).toJSON(), depth);
      }
      return this.entries(Object.entries(obj)[Symbol.iterator](), depth);
    } finally {
      this.ancestors.delete(obj);
    }
  }

  private entries(it: Iterator<[unknown, unknown]>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let r = it.next(); !r.done; r = it.next()) {
      const [k, v] = r.value;
      const key = String(k);
      out[key] = isSensitiveKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : this.walk(v, depth + 1);
    }
    return out;
  }

  private error(err: Error, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {
      type: err.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : err.name,
      message: this.secrets.redact(String(err.message)),
    };
    if (typeof err.stack === 'string') out.stack = this.secrets.redact(err.stack);
    const own = this.entries(Object.entries(err)[Symbol.iterator](), depth);
    for (const [k, v] of Object.entries(own)) if (!(k in out)) out[k] = v;
    if (err.cause !== undefined) out.cause = this.walk(err.cause, depth + 1);
    if (err instanceof AggregateError) out.errors = this.walk(err.errors, depth + 1);
    return out;
  }
}

function isHeadersLike(obj: object): boolean {
  return typeof Headers !== 'undefined' && obj instanceof Headers;
}
