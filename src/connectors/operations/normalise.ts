/** Wire record → `{ id, updatedAt?, fields }`, using the object's `id`, `updatedAt` and `fields`. */
import { canonicalDateTime } from '../codec/coerce.js';
import { ConnectorError } from '../errors.js';
import type { NormalisedRecord } from '../types.js';
import type { CompiledOperation } from './compile.js';

export async function normalise(op: CompiledOperation, wire: unknown): Promise<NormalisedRecord> {
  const obj = op.object;
  const id = await obj.id.evaluate(wire);
  if (id === undefined || id === null || id === '') {
    throw new ConnectorError(`${op.label}: a record in the response has no id (object id expression \`${obj.id.source}\`)`, { class: 'mapping', code: 'missing_id', operation: op.label });
  }
  const rec: NormalisedRecord = { id: String(id), fields: op.codec.decode(obj.fields ? await obj.fields.evaluate(wire) : wire) };
  if (obj.updatedAt) {
    const at = await obj.updatedAt.evaluate(wire);
    if (at !== undefined && at !== null && at !== '') rec.updatedAt = canonicalDateTime(at) ?? String(at);
  }
  return rec;
}

/** The records of a list/search/batch response, by the operation's `records` expression. */
export async function recordsOf(op: CompiledOperation, body: unknown): Promise<unknown[]> {
  const v = op.records ? await op.records.evaluate(body) : body;
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The record of a single-record response, by `record` (default: the whole body). */
export async function recordOf(op: CompiledOperation, body: unknown): Promise<unknown> {
  return op.record ? op.record.evaluate(body) : body;
}
