/**
 * Reading an object's records by id, the one way the engine does it: a target's linked records
 * before the merge, and the records webhook and change events name. A `batchRead` takes
 * `maxBatch` ids a call and is used when its calls cost no more than a `get` per record
 * (Pipedrive charges a list call 10 tokens and a get 1: three records are read with gets, fifty
 * with one list call). Either way a few calls at a time: a page of a thousand ids must not open a
 * thousand requests at once (the budget paces them, but each holds a socket).
 */
import type { ConnectorClient } from '../../connectors/client.js';
import { DEFAULT_READ_BATCH } from '../../connectors/operations/read.js';
import type { NormalisedRecord } from '../../connectors/types.js';
import type { ObjectSpec } from '../../spec/types.js';

/** Reads in flight at once per call of `readByIds`. */
const READ_CONCURRENCY = 8;

/** The operations that can read an object's records by id: at least one is set. */
export interface ReadOperations {
  get?: string;
  batch?: string;
}

/**
 * The object's read operations: `named` alone when given (a pipeline's `fetch`, a `get` or a
 * `batchRead`), else its first `get` and first `batchRead`. Undefined when it has neither.
 */
export function readOperations(spec: ObjectSpec | undefined, named?: string): ReadOperations | undefined {
  const ops = Object.entries(spec?.operations ?? {});
  if (named !== undefined) {
    const kind = spec?.operations[named]?.kind;
    return kind === 'get' ? { get: named } : kind === 'batchRead' ? { batch: named } : undefined;
  }
  const get = ops.find(([, o]) => o.kind === 'get')?.[0];
  const batch = ops.find(([, o]) => o.kind === 'batchRead')?.[0];
  if (!get && !batch) return undefined;
  return { ...(get ? { get } : {}), ...(batch ? { batch } : {}) };
}

export interface ReadByIdsOptions {
  signal?: AbortSignal;
  /**
   * A failed call whose records may stay unread: returning true stops reading (the records not
   * read yet are left out too) instead of failing the whole read.
   */
  tolerate?: (err: unknown) => boolean;
}

/** The records of these ids, by id; an id the vendor has no record of (deleted) is left out. */
export async function readByIds(client: ConnectorClient, object: string, spec: ObjectSpec, ops: ReadOperations, ids: readonly string[], opts: ReadByIdsOptions = {}): Promise<Map<string, NormalisedRecord>> {
  const out = new Map<string, NormalisedRecord>();
  if (ids.length === 0) return out;
  const cost = (name: string): number => spec.operations[name]?.cost ?? 1;
  const batchSize = ops.batch ? (spec.operations[ops.batch]?.maxBatch ?? DEFAULT_READ_BATCH) : 1;
  const batched = ops.batch !== undefined && (ops.get === undefined || Math.ceil(ids.length / batchSize) * cost(ops.batch) <= ids.length * cost(ops.get));
  const size = batched ? batchSize : 1;
  const units: string[][] = [];
  for (let i = 0; i < ids.length; i += size) units.push(ids.slice(i, i + size));
  const signal = opts.signal;
  const readUnit = async (unit: string[]): Promise<Array<[string, NormalisedRecord]>> => {
    if (batched) return (await client.batchRead(object, unit, { operation: ops.batch as string, ...(signal ? { signal } : {}) })).map((r) => [r.id, r]);
    const id = unit[0] as string;
    const r = await client.get(object, id, { operation: ops.get as string, ...(signal ? { signal } : {}) });
    return r ? [[id, r]] : [];
  };
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (next < units.length && !stopped) {
      const unit = units[next++] as string[];
      try {
        for (const [id, r] of await readUnit(unit)) out.set(id, r);
      } catch (err) {
        // Either way the other workers take no further unit.
        stopped = true;
        if (!opts.tolerate?.(err)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, units.length) }, worker));
  return out;
}
