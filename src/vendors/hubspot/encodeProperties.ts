/**
 * HubSpot wants every property value as a string: numbers `"17"`, booleans `"true"`, dates and
 * datetimes as epoch milliseconds (`"1572480000000"`, a date at UTC midnight), multi-select values
 * joined with `;`, and `""` to clear a value (FACTS §1.3).
 */
import { canonicalDate, canonicalDateTime, CoercionError, toWire } from '../../connectors/codec/coerce.js';
import type { FieldsHook } from '../registry.js';

function encodeValue(value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'date': {
      const d = canonicalDate(value);
      if (d === undefined) throw new CoercionError('expected date');
      return String(Date.parse(`${d}T00:00:00.000Z`));
    }
    case 'datetime': {
      const d = canonicalDateTime(value);
      if (d === undefined) throw new CoercionError('expected datetime');
      return String(Date.parse(d));
    }
    case 'json':
      return Array.isArray(value) ? value.map(String).join(';') : JSON.stringify(value);
    case 'enum':
    case 'string':
      if (Array.isArray(value)) return value.map(String).join(';');
      return String(toWire(value, 'string'));
    default:
      return String(toWire(value, type as 'number' | 'integer' | 'boolean'));
  }
}

export const encodeProperties: FieldsHook = (fields, ctx) => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = encodeValue(value, ctx.properties[name]?.type ?? 'string');
  }
  return out;
};
