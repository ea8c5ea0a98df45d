/** list, search and get: pages pulled on demand, each record normalised as it is yielded. */
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
