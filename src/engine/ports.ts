/**
 * What the engine needs from the two ends of a pipeline, whatever they are: a local table or a
 * connector object. Vendor shapes stay behind these ports; the engine sees flat field maps.
 */
import type { ErrorClass } from '../spec/types.js';
import type { Scope } from '../state/scope.js';

export interface SourceRecord {
  /** The record's identity at its source (the pipeline's `key` field). */
  key: string;
  /** Flat field map. */
  fields: Record<string, unknown>;
  /** Modification time (ISO) when the source knows it: the `newest` merge rule uses it. */
  updatedAt?: string;
  /** For connector sources: the record's id in that system (the remote side of its link). */
  remoteId?: string;
}

export interface SourcePage {
  records: SourceRecord[];
  /** Cursor value once every record of this page is in the outbox. */
  cursor: unknown;
  /** Runs inside the page's commit transaction (a webhook source marks its inbox events done). */
  commit?: (tx: Scope) => Promise<void>;
  /** Ids of CRM records this page's events named that no longer exist (deleted since). */
  gone?: string[];
}

export interface SourcePort {
  /** Pages of changes after the committed cursor (undefined: from the start). */
  pages(cursor: unknown, signal: AbortSignal): AsyncIterable<SourcePage>;
  /** The current rows of these records, by key, to plan them again out of cursor order (optional). */
  records?(keys: string[], signal: AbortSignal): Promise<SourceRecord[]>;
}

export interface TargetWrite {
  /** The outbox row id. */
  id: number;
  recordKey: string;
  /** Known id at the target (a linked record), if any. */
  remoteId?: string;
  /** Which operation to use (`operation` or `updateOperation` of the target). */
  operation: string;
  /** Target property → value. */
  values: Record<string, unknown>;
  /** The CRM's values of the properties the operation `reads` (read when planned, and again before sending: `withCurrentNow`). */
  current?: Record<string, unknown>;
  idempotencyKey: string;
  correlationId?: string;
}

export type WriteOutcome =
  | { ok: true; remoteId?: string; created?: boolean }
  | { ok: false; errorClass: ErrorClass; message: string; retryAfterMs?: number; status?: number };

export interface TargetPort {
  /** A stable name for the link's remote side (`connector` + `object`, or the table). */
  readonly connector: string;
  readonly object: string;
  /** Largest number of writes one call takes for an operation. */
  maxBatch(operation: string): number;
  /** Properties of the target's record an operation's request is built from besides the write's own (`reads`). */
  reads?(operation: string): readonly string[];
  /** Writes in order; one outcome per write, same order. Throws only for whole-call failures. */
  write(writes: TargetWrite[], signal: AbortSignal): Promise<WriteOutcome[]>;
  /** Current values of target records by their remote id, for three-way merges (optional). */
  read?(remoteIds: string[], signal: AbortSignal): Promise<Map<string, TargetSnapshot>>;
  /**
   * Candidates for identity matching: records whose property holds one of the values (optional).
   * One entry per search made, with the values it carried, so each value is compared only with
   * what its own search found.
   */
  lookup?(request: TargetLookup, signal: AbortSignal): Promise<TargetLookupResult[]>;
}

/** A candidate search: target records whose `property` holds one of `values`, through `operation`. */
export interface TargetLookup {
  operation: string;
  /** Target property (canonical name). */
  property: string;
  values: readonly string[];
}

/** One search of a lookup: the values it carried and the records it found. */
export interface TargetLookupResult {
  values: readonly string[];
  records: TargetRecord[];
}

/** A target record a lookup found. */
export interface TargetRecord extends TargetSnapshot {
  id: string;
}

/** A target record as it is now. */
export interface TargetSnapshot {
  /** Target property or column → value. */
  fields: Record<string, unknown>;
  /** When the record was last modified (ISO), when the target tells: the `newest` rule needs it. */
  updatedAt?: string;
}
