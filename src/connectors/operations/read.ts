/** list, search, get and batchRead: pages pulled on demand, each record normalised as it is yielded. */
import { paginate } from '../pagination.js';
import type { NormalisedRecord } from '../types.js';
import type { CompiledOperation } from './compile.js';
import { formatSince, type BodyInput } from './inputs.js';
import { normalise, recordOf, recordsOf } from './normalise.js';
import type { Transport } from './transport.js';

export interface ReadRequest {
  since?: string | number | Date;
  criteria?: Record<string, unknown>;
  /** Candidate search by a canonical property; sent with its wire name. */
  lookup?: { property: string; values: readonly string[] };
  correlationId?: string;
  signal?: AbortSignal;
}

export async function* readRecords(transport: Transport, op: CompiledOperation, req: ReadRequest): AsyncGenerator<NormalisedRecord> {
  const input: BodyInput = {};
  if (req.since !== undefined) input.since = formatSince(req.since, op.spec.since, op.label);
  if (req.criteria) input.record = op.codec.encode(req.criteria, { requireAll: false, operation: op.label });
  if (req.lookup) input.lookup = { property: op.codec.wireName(req.lookup.property), values: [...req.lookup.values] };
  if (req.correlationId) input.correlationId = req.correlationId;
  const pages = paginate(op.pagination, op.label, async (page) => {
    const res = await transport.call(op, { input, page, ...(req.signal ? { signal: req.signal } : {}) });
    return { body: res.body, url: res.url, records: await recordsOf(op, res.body) };
  });
  for await (const wires of pages) {
    for (const wire of wires) yield await normalise(op, wire);
  }
}

export async function getRecord(transport: Transport, op: CompiledOperation, id: string, opts: { signal?: AbortSignal; correlationId?: string }): Promise<NormalisedRecord | undefined> {
  const input: BodyInput = { id };
  if (op.spec.idProperty) input.idProperty = op.codec.wireName(op.spec.idProperty);
  if (opts.correlationId) input.correlationId = opts.correlationId;
  const res = await transport.call(op, { input, accept: [404], ...(opts.signal ? { signal: opts.signal } : {}) });
  if (res.status === 404) return undefined;
  const wire = await recordOf(op, res.body);
  if (wire === undefined || wire === null) return undefined;
  return normalise(op, wire);
}

/** Largest batch read when the operation declares no `maxBatch`. */
export const DEFAULT_READ_BATCH = 100;

/**
 * The records of these ids, `maxBatch` per request, bound as `records` (`{index, id}` each) in the
 * body. Ids the vendor does not know are absent from the result, as a 404 is for `get`.
 */
export async function readBatch(transport: Transport, op: CompiledOperation, ids: readonly string[], opts: { signal?: AbortSignal; correlationId?: string }): Promise<NormalisedRecord[]> {
  const size = op.spec.maxBatch ?? DEFAULT_READ_BATCH;
  const out: NormalisedRecord[] = [];
  for (let start = 0; start < ids.length; start += size) {
    const input: BodyInput = { records: ids.slice(start, start + size).map((id, index) => ({ index, id, record: {} })) };
    if (op.spec.idProperty) input.idProperty = op.codec.wireName(op.spec.idProperty);
    if (opts.correlationId) input.correlationId = opts.correlationId;
    const res = await transport.call(op, { input, ...(opts.signal ? { signal: opts.signal } : {}) });
    for (const wire of await recordsOf(op, res.body)) out.push(await normalise(op, wire));
  }
  return out;
}
