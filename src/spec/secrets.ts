/**
 * Secret references: `${env:NAME}` and `${file:/path}`. Spec files never hold secret values;
 * they are resolved when a pipeline starts, and every resolved value is reported to
 * `onResolved` so the logger can scrub it from anything it prints.
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

/** Resolves references in every string of a plain data structure, returning a copy. */
export function resolveDeep<T>(value: T, opts: ResolveOptions = {}): T {
  if (typeof value === 'string') return resolveReferences(value, opts) as T;
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, opts)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveDeep(v, opts);
    return out as T;
  }
  return value;
}
