/**
 * HubSpot returns every property value as a string; the declared property type says what it
 * means. Dates may come as epoch milliseconds or ISO text (`createdate` is ISO, date properties
 * set through the API read back as `YYYY-MM-DD` or epoch ms), so both are accepted.
 */
import { fromWire } from '../../connectors/codec/coerce.js';
import type { FieldsHook } from '../registry.js';

export const decodeRecord: FieldsHook = (fields, ctx) => {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const type = ctx.properties[name]?.type ?? 'string';
    out[name] = type === 'string' || type === 'enum' ? (value === '' ? null : value) : fromWire(value, type);
  }
  return out;
};
