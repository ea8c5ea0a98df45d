/**
 * The stored shape of organizations, persons and deals: exactly the v2 JSON object, so reads are
 * a copy and webhook `data` is the same object the API returns.
 */

export type EntityName = 'organizations' | 'persons' | 'deals';

export interface Row {
  id: number;
  add_time: string;
  update_time: string;
  is_deleted: boolean;
  custom_fields: Record<string, unknown>;
  [field: string]: unknown;
}

export function isEntityName(s: string): s is EntityName {
  return s === 'organizations' || s === 'persons' || s === 'deals';
}

/** v2 timestamps are RFC3339 in UTC without fractions, e.g. `2021-01-01T00:00:00Z`. */
export function v2Time(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** v1 timestamps are `YYYY-MM-DD HH:MM:SS` in UTC. */
export function v1Time(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Thrown by body validation; answered as a 400 in the error envelope. */
export class ValidationError extends Error {}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function cloneRow(row: Row): Row {
  return { ...row, custom_fields: { ...row.custom_fields } };
}
