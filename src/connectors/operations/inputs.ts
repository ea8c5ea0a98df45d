/**
 * What the `body` and `arguments` expressions see: `record`, `records`, `id`, `since`,
 * `idProperty`, `current`, `lookup` (also bound as `$record`, `$records`, …), and how the cursor
 * value is sent.
 */
import type { OperationSpec } from '../../spec/types.js';
import { ConnectorError } from '../errors.js';

/** One item of `records` in a batch body. */
export interface BatchItem {
  /** Position in this batch request: per-record errors refer to it. */
  index: number;
  /** Vendor id or unique value, when known. */
  id?: string;
  /** Wire fields. */
  record: Record<string, unknown>;
  /** The CRM's values of the properties the operation `reads`. */
  current?: Record<string, unknown>;
}

export interface BodyInput {
  record?: Record<string, unknown>;
  /** The CRM's values of the properties the operation `reads` (single-record writes). */
  current?: Record<string, unknown>;
  records?: BatchItem[];
  id?: string;
  since?: string | number;
  /** Wire name of the operation's `idProperty`. */
  idProperty?: string;
  /** A candidate search: records whose wire property `property` holds one of `values`. */
  lookup?: { property: string; values: string[] };
  correlationId?: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The cursor value in the wire form of `since.format` (default iso). */
export function formatSince(value: string | number | Date, spec: OperationSpec['since'], label: string): string | number {
  const d = value instanceof Date ? value : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);
  if (Number.isNaN(d.getTime())) throw new ConnectorError(`${label}: the cursor value is not a date`, { class: 'mapping', code: 'invalid_cursor', operation: label });
  switch (spec?.format ?? 'iso') {
    case 'epochMillis':
      return d.getTime();
    case 'epochSeconds':
      return Math.floor(d.getTime() / 1000);
    case 'soqlDateTime':
      // SOQL datetime literals are unquoted and carry no milliseconds.
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
    default:
      return d.toISOString();
  }
}

/** Fills `{id}` and `{idProperty}` in a path template. */
export function fillPath(template: string, input: BodyInput, label: string): string {
  return template.replace(/\{(id|idProperty)\}/g, (_, name: 'id' | 'idProperty') => {
    const v = input[name];
    if (v === undefined || v === '') throw new ConnectorError(`${label}: no ${name} for the path`, { class: 'mapping', code: 'missing_id', operation: label });
    return encodeURIComponent(v);
  });
}
