/**
 * Ports over a connector object: a poll source (its list or search operation, from the cursor)
 * and a write target. The connector client keeps every vendor shape; these ports only translate
 * between its normalised records and the engine's.
 */
import type { ConnectorClient } from '../../connectors/client.js';
import { isConnectorError } from '../../connectors/errors.js';
import type { ObjectSpec, OperationSpec } from '../../spec/types.js';
import { readByIds, readOperations } from './recordReads.js';
import type { SourcePage, SourcePort, TargetLookup, TargetLookupResult, TargetPort, TargetRecord, TargetSnapshot, TargetWrite, WriteOutcome } from '../ports.js';

/**
 * Most records one candidate search reads. A name search can be broad ("acme*"); the candidates
 * it returns beyond this would only be scored and dropped, at one call per page of results.
 */
const MAX_CANDIDATES_PER_SEARCH = 500;

export interface ConnectorSourceOptions {
  client: ConnectorClient;
  object: string;
  operation: string;
  kind: 'list' | 'search';
  cursorField: string;
  lookbackMs: number;
  start?: string;
  /** Records per committed page. Default: 500. */
  pageSize?: number;
}

function laterTime(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function asIso(v: unknown): string | undefined {
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString();
  if (typeof v === 'number') return new Date(v).toISOString();
  if (v instanceof Date) return v.toISOString();
  return undefined;
}

export function connectorSource(opts: ConnectorSourceOptions): SourcePort {
  const pageSize = opts.pageSize ?? 500;
  return {
    async *pages(cursor: unknown, signal: AbortSignal): AsyncIterable<SourcePage> {
      const committed = typeof cursor === 'string' ? cursor : undefined;
      // A search filters on the cursor in its body and has no "everything" form: the first poll
      // of a source without `cursor.start` searches from the epoch.
      const since = committed ? new Date(Date.parse(committed) - opts.lookbackMs).toISOString() : (opts.start ?? (opts.kind === 'search' ? new Date(0).toISOString() : undefined));
      const iterable =
        opts.kind === 'search'
          ? opts.client.search(opts.object, { operation: opts.operation, signal, ...(since ? { since } : {}) })
          : opts.client.list(opts.object, { operation: opts.operation, signal, ...(since ? { since } : {}) });
      let high = committed;
      let batch: SourcePage['records'] = [];
      for await (const r of iterable) {
        const modified = asIso(r.fields[opts.cursorField]) ?? r.updatedAt;
        high = laterTime(modified, high);
        batch.push({ key: r.id, remoteId: r.id, fields: { ...r.fields, id: r.id }, ...(modified ? { updatedAt: modified } : {}) });
        if (batch.length >= pageSize) {
          yield { records: batch, cursor: high };
          batch = [];
        }
      }
      if (batch.length) yield { records: batch, cursor: high };
    },
  };
}

export interface ConnectorTargetOptions {
  client: ConnectorClient;
  connector: string;
  object: string;
  spec: ObjectSpec;
}

function maxBatchOf(op: OperationSpec | undefined): number {
  if (!op) return 1;
  return op.kind.startsWith('batch') ? op.maxBatch ?? 1 : 1;
}

export function connectorTarget(opts: ConnectorTargetOptions): TargetPort {
  const { client, spec } = opts;
  const readOnly = new Set(Object.entries(spec.properties).filter(([, p]) => p.readOnly).map(([k]) => k));
  // A batch read, when the object has one, reads a page's linked records in a few calls.
  const readOps = readOperations(spec);
  return {
    connector: opts.connector,
    object: opts.object,
    maxBatch: (operation) => maxBatchOf(spec.operations[operation]),
    reads: (operation) => spec.operations[operation]?.reads ?? [],
    async write(writes: TargetWrite[], signal: AbortSignal): Promise<WriteOutcome[]> {
      if (writes.length === 0) return [];
      const operation = (writes[0] as TargetWrite).operation;
      const op = spec.operations[operation];
      const isUpsert = op?.kind === 'upsert' || op?.kind === 'batchUpsert';
      const inputs = writes.map((w) => {
        // Values the CRM assigns (ids, modification times) are never written.
        const fields = Object.fromEntries(Object.entries(w.values).filter(([k]) => !readOnly.has(k)));
        const id = isUpsert ? undefined : w.remoteId;
        return { ...(id !== undefined ? { id } : {}), fields, ...(w.current ? { current: w.current } : {}), idempotencyKey: w.idempotencyKey };
      });
      const correlationId = writes[0]?.correlationId;
      try {
        const results = await client.write(opts.object, operation, inputs, { signal, ...(correlationId ? { correlationId } : {}) });
        return results.map((r) =>
          r.ok
            ? { ok: true, ...(r.id !== undefined ? { remoteId: String(r.id) } : {}), ...(r.created !== undefined ? { created: r.created } : {}) }
            : {
                ok: false,
                errorClass: r.error.class,
                message: r.error.message,
                ...(r.error.retryAfterMs !== undefined ? { retryAfterMs: r.error.retryAfterMs } : {}),
                ...(r.error.status !== undefined ? { status: r.error.status } : {}),
              },
        );
      } catch (err) {
        if (isConnectorError(err)) {
          return writes.map(() => ({ ok: false, errorClass: err.class, message: err.message, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}), ...(err.status !== undefined ? { status: err.status } : {}) }));
        }
        throw err;
      }
    },
    ...(readOps
      ? {
          async read(ids: string[], signal: AbortSignal): Promise<Map<string, TargetSnapshot>> {
            // A connection that lost its authorisation leaves these values unknown: the records
            // are still planned (no base moves on what was not seen), and their writes meet the
            // same failure and wait for the reconnect. Anything else fails the page, which is
            // read again next cycle.
            const records = await readByIds(client, opts.object, spec, readOps, ids, { signal, tolerate: (err) => isConnectorError(err) && err.class === 'auth' });
            const out = new Map<string, TargetSnapshot>();
            for (const [id, r] of records) out.set(id, { fields: r.fields, ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}) });
            return out;
          },
        }
      : {}),
    async lookup(request: TargetLookup, signal: AbortSignal): Promise<TargetLookupResult[]> {
      const op = spec.operations[request.operation];
      if (op?.kind !== 'search') throw new Error(`${opts.connector}.${opts.object} has no search operation \`${request.operation}\` to find match candidates with`);
      // Search operations say in `maxBatch` how many values one request can carry.
      const perCall = op.maxBatch ?? 1;
      const out: TargetLookupResult[] = [];
      for (let i = 0; i < request.values.length; i += perCall) {
        const values = request.values.slice(i, i + perCall);
        const records: TargetRecord[] = [];
        for await (const r of client.search(opts.object, { operation: request.operation, lookup: { property: request.property, values }, signal })) {
          records.push({ id: r.id, fields: r.fields, ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}) });
          if (records.length >= MAX_CANDIDATES_PER_SEARCH) break;
        }
        out.push({ values, records });
      }
      return out;
    },
  };
}
