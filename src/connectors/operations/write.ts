/**
 * create / update / upsert / delete, one record per request or in batches of at most
 * `maxBatch`. Every input gets a result at its index. A record the connector cannot encode
 * (unknown or read-only property, bad value, missing required field) fails alone as a mapping
 * error and the rest go on; per-record failures inside a batch response are mapped back to their
 * input. An auth or transient failure concerns the connection, not the record: the call stops
 * there and every record not yet written carries that error, so nothing is silently dropped.
 */
import type { OperationKind } from '../../spec/types.js';
import type { ErrorRule } from '../classify.js';
import { ConnectorError } from '../errors.js';
import type { SecretScrubber } from '../redact.js';
import type { WriteInput, WriteResult } from '../types.js';
import { batchOutcomes } from './batchResults.js';
import type { CompiledOperation } from './compile.js';
import type { BatchItem, BodyInput } from './inputs.js';
import { recordOf } from './normalise.js';
import type { Transport } from './transport.js';

export interface WriteContext {
  rules: readonly ErrorRule[];
  scrubber: SecretScrubber;
  /** Requests (single records or batches) in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  correlationId?: string;
}

/** Largest batch when the operation declares no `maxBatch`. */
const DEFAULT_MAX_BATCH = 100;

const BATCH_KINDS: ReadonlySet<OperationKind> = new Set(['batchCreate', 'batchUpdate', 'batchUpsert']);
export const WRITE_KINDS: readonly OperationKind[] = ['create', 'update', 'upsert', 'delete', 'batchCreate', 'batchUpdate', 'batchUpsert', 'execute'];

function isConnectionLevel(err: ConnectorError): boolean {
  return err.class === 'auth' || err.class === 'transient';
}

function createdFlag(kind: OperationKind, status: number, wire: unknown): boolean | undefined {
  if (kind === 'create' || kind === 'batchCreate') return true;
  if (kind !== 'upsert' && kind !== 'batchUpsert') return undefined;
  // Salesforce answers `created`, HubSpot batch upsert `new`; a single upsert may only say it by status.
  if (wire && typeof wire === 'object') {
    const w = wire as { created?: unknown; new?: unknown };
    if (typeof w.created === 'boolean') return w.created;
    if (typeof w.new === 'boolean') return w.new;
  }
  if (status === 201) return true;
  if (status === 204) return false;
  return undefined;
}

async function resultId(op: CompiledOperation, wire: unknown, fallback: string | undefined): Promise<string | undefined> {
  if (wire && typeof wire === 'object') {
    const id = await op.object.id.evaluate(wire);
    if (id !== undefined && id !== null && id !== '') return String(id);
  }
  return fallback;
}

interface Prepared {
  index: number;
  id?: string;
  record: Record<string, unknown>;
  current?: Record<string, unknown>;
  idempotencyKey?: string;
}

function prepare(op: CompiledOperation, input: WriteInput, index: number): Prepared {
  const record = op.kind === 'delete' ? {} : op.codec.encode(input.fields ?? {}, { requireAll: op.kind === 'create' || op.kind === 'batchCreate', operation: op.label });
  let id = input.id;
  const idProperty = op.spec.idProperty;
  if (id === undefined && idProperty !== undefined && (op.kind === 'upsert' || op.kind === 'batchUpsert')) {
    const v = record[op.codec.wireName(idProperty)];
    if (v !== undefined && v !== null && v !== '') id = String(v);
  }
  if (id === undefined && (op.kind === 'update' || op.kind === 'delete' || op.kind === 'batchUpdate' || op.kind === 'upsert' || op.kind === 'batchUpsert')) {
    throw new ConnectorError(`${op.label}: the record has no ${op.kind.toLowerCase().includes('upsert') ? `id or ${idProperty ?? 'idProperty'} value` : 'id'}`, {
      class: 'mapping',
      code: 'missing_id',
      operation: op.label,
    });
  }
  const p: Prepared = { index, record };
  if (id !== undefined) p.id = id;
  if (input.current) p.current = input.current;
  if (input.idempotencyKey) p.idempotencyKey = input.idempotencyKey;
  return p;
}

export async function writeRecords(transport: Transport, op: CompiledOperation, inputs: readonly WriteInput[], ctx: WriteContext): Promise<WriteResult[]> {
  const results: Array<WriteResult | undefined> = new Array(inputs.length).fill(undefined);
  const fail = (i: number, err: ConnectorError): void => {
    results[i] = { ok: false, error: err.with({ recordIndex: i }) };
  };
  const ready: Prepared[] = [];
  inputs.forEach((input, i) => {
    try {
      ready.push(prepare(op, input, i));
    } catch (err) {
      if (err instanceof ConnectorError) fail(i, err);
      else throw err;
    }
  });
  const idProperty = op.spec.idProperty === undefined ? undefined : op.codec.wireName(op.spec.idProperty);
  const base: BodyInput = {};
  if (idProperty !== undefined) base.idProperty = idProperty;
  if (ctx.correlationId) base.correlationId = ctx.correlationId;
  let halted: ConnectorError | undefined;

  if (BATCH_KINDS.has(op.kind)) {
    const size = op.spec.maxBatch ?? DEFAULT_MAX_BATCH;
    const chunks: Prepared[][] = [];
    for (let start = 0; start < ready.length; start += size) chunks.push(ready.slice(start, start + size));
    const sendChunk = async (chunk: Prepared[]): Promise<void> => {
      if (halted) {
        for (const p of chunk) fail(p.index, halted);
        return;
      }
      const items: BatchItem[] = chunk.map((p, i) => ({ index: i, ...(p.id !== undefined ? { id: p.id } : {}), record: p.record, ...(p.current ? { current: p.current } : {}) }));
      try {
        const res = await transport.call(op, { input: { ...base, records: items }, ...(ctx.signal ? { signal: ctx.signal } : {}) });
        const outcomes = await batchOutcomes(op, res.body, items, ctx.rules, ctx.scrubber);
        for (let i = 0; i < chunk.length; i++) {
          const p = chunk[i] as Prepared;
          const o = outcomes[i];
          if (o?.error) fail(p.index, o.error);
          else {
            const id = await resultId(op, o?.wire, op.kind === 'batchUpdate' ? p.id : undefined);
            const created = createdFlag(op.kind, res.status, o?.wire);
            results[p.index] = { ok: true, ...(id !== undefined ? { id } : {}), ...(created !== undefined ? { created } : {}) };
          }
        }
      } catch (err) {
        if (!(err instanceof ConnectorError)) throw err;
        if (isConnectionLevel(err)) halted ??= err;
        for (const p of chunk) fail(p.index, err);
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) await sendChunk(chunks[next++] as Prepared[]);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(ctx.concurrency, chunks.length)) }, worker));
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ready.length) {
        const p = ready[next++] as Prepared;
        if (halted) {
          fail(p.index, halted);
          continue;
        }
        const input: BodyInput = { ...base, record: p.record };
        if (p.id !== undefined) input.id = p.id;
        if (p.current) input.current = p.current;
        try {
          const res = await transport.call(op, {
            input,
            ...(op.kind === 'delete' ? { accept: [404] } : {}),
            ...(p.idempotencyKey ? { idempotencyKey: p.idempotencyKey } : {}),
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          });
          const wire = res.status === 404 || res.body === undefined ? undefined : await recordOf(op, res.body);
          const id = await resultId(op, wire, op.kind === 'upsert' ? undefined : p.id);
          const created = createdFlag(op.kind, res.status, wire);
          results[p.index] = { ok: true, ...(id !== undefined ? { id } : {}), ...(created !== undefined ? { created } : {}) };
        } catch (err) {
          if (!(err instanceof ConnectorError)) throw err;
          if (isConnectionLevel(err)) halted ??= err;
          fail(p.index, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(ctx.concurrency, ready.length)) }, worker));
  }
  return results as WriteResult[];
}
