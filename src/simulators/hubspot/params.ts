/** Reading HubSpot's query parameters and path segments. */
import { validationError } from './errors.js';
import { objectType, type ObjectType } from './objectTypes.js';
import { HubspotHttpError, errorBody } from './errors.js';

export type Query = Record<string, string | string[] | undefined>;

/** A list parameter, given either repeated (`properties=a&properties=b`) or comma-separated. */
export function listParam(q: Query, name: string): string[] | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(','));
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}

export function stringParam(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function boolParam(q: Query, name: string): boolean {
  return stringParam(q, name) === 'true';
}

export function intParam(q: Query, name: string, fallback: number): number {
  const v = stringParam(q, name);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw validationError(`Invalid value for ${name}: ${v}`, { errors: [{ message: 'must be an integer', in: name }] });
  return n;
}

/** Resolves an `{objectType}` path segment, or answers 400 as HubSpot does for unknown types. */
export function pathType(segment: string): ObjectType {
  const t = objectType(segment);
  // UNCONFIRMED: HubSpot's exact status and wording for an unknown object type.
  if (!t) throw new HubspotHttpError(400, errorBody('VALIDATION_ERROR', `Unable to infer object type from: ${segment}`));
  return t;
}
