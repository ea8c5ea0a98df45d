/**
 * Secret references: `${env:NAME}` and `${file:/path}`. Spec files never hold secret values;
 * they are resolved when a pipeline starts, and every resolved value is reported to
 * `onResolved` so the logger can scrub it from anything it prints — except the settings that are
 * configuration, not credentials (`PUBLIC_SETTINGS`): scrubbing a webhook user name such as
 * `syncd` from every line would garble logs and metric names while hiding nothing. Of a URL
 * setting, only the credentials it carries (a password, query values) are reported.
 */
import { readFileSync } from 'node:fs';

const REF = /\$\{(env|file):([^}]+)\}/g;

export class SecretResolutionError extends Error {
  constructor(
    message: string,
    readonly reference: string,
  ) {
    super(message);
    this.name = 'SecretResolutionError';
  }
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with each resolved secret value (to register it for redaction). */
  onResolved?: (value: string) => void;
}

export function isReference(text: string): boolean {
  return /^\$\{(env|file):[^}]+\}$/.test(text);
}

/** Replaces every reference inside `text`. Errors name the reference, never a value. */
export function resolveReferences(text: string, opts: ResolveOptions = {}): string {
  const env = opts.env ?? process.env;
  return text.replace(REF, (whole, kind: string, ref: string) => {
    let value: string | undefined;
    if (kind === 'env') {
      value = env[ref];
      if (value === undefined || value === '') throw new SecretResolutionError(`environment variable ${ref} is not set (referenced as ${whole})`, whole);
    } else {
      try {
        value = readFileSync(ref, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        throw new SecretResolutionError(`cannot read secret file ${ref} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, whole);
      }
    }
    opts.onResolved?.(value);
    return value;
  });
}

/** Settings whose values identify something rather than prove anything. */
const PUBLIC_SETTINGS: ReadonlySet<string> = new Set(['username', 'clientId', 'wireName', 'tenantId']);
/** Settings that hold a URL: only the credentials inside it are secret. */
const URL_SETTINGS: ReadonlySet<string> = new Set(['baseUrl', 'tokenUrl', 'endpoint']);

/** The parts of a value resolved for `setting` that must be scrubbed from output. */
export function secretParts(setting: string | undefined, value: string): string[] {
  if (setting === undefined) return [value];
  if (PUBLIC_SETTINGS.has(setting)) return [];
  if (!URL_SETTINGS.has(setting)) return [value];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a whole URL (a part of one, or a typo): the safe side is to treat it as a secret.
    return [value];
  }
  return [decodeURIComponent(url.password), ...url.searchParams.values()].filter((p) => p !== '');
}

/** Resolves references in every string of a plain data structure, returning a copy. */
export function resolveDeep<T>(value: T, opts: ResolveOptions = {}, setting?: string): T {
  if (typeof value === 'string') {
    const report = opts.onResolved;
    return resolveReferences(value, report ? { ...opts, onResolved: (v) => secretParts(setting, v).forEach(report) } : opts) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, opts, setting)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveDeep(v, opts, k);
    return out as T;
  }
  return value;
}
