/** The data a connector client hands to the engine and takes from it. No vendor shapes here. */
import type { ConnectorError } from './errors.js';

/** The connection a client speaks for: one tenant's account on one connector. */
export interface ConnectionRef {
  /** Stable id; the key of the rate budget and of stored credentials. */
  id: string;
  /** Composio connected account of this tenant (Composio transport). Missing means "needs connecting". */
  connectedAccountId?: string;
  /** Composio user id; default: the connector's `auth.userId`. */
  userId?: string;
}

/** A record as the core sees it, whatever the vendor's shape. */
export interface NormalisedRecord {
  id: string;
  /** ISO-8601 when the object declares `updatedAt`. */
  updatedAt?: string;
  /** Declared properties by canonical name, with canonical values. */
  fields: Record<string, unknown>;
}

/** One record to write. */
export interface WriteInput {
  /** Vendor id (update, delete) or unique value (upsert; default: the `idProperty` field). */
  id?: string;
  /** Canonical fields. Ignored by delete. */
  fields?: Record<string, unknown>;
  /** The CRM's values of the properties the operation `reads`, bound as `current` in its body. */
  current?: Record<string, unknown>;
  /** Sent in the idempotency header of single-record writes when the client has one configured. */
  idempotencyKey?: string;
}

export type WriteResult =
  | { ok: true; id?: string; created?: boolean }
  /** `error.recordIndex` is the index of the input. Class auth or transient: nothing of this record was written. */
  | { ok: false; error: ConnectorError };

export interface CallOptions {
  signal?: AbortSignal;
  /** Carried to the vendor (`x-correlation-id`, and Composio tool metadata). */
  correlationId?: string;
}

export interface ListOptions extends CallOptions {
  /** Operation name; default: the object's operation named `list`, else its first `list` operation. */
  operation?: string;
  /** Incremental cursor value (a date, ISO text or epoch ms), sent as the operation's `since` says. */
  since?: string | number | Date;
}

export interface SearchOptions extends CallOptions {
  /** Default: the operation named `search`, else the first `search` operation. */
  operation?: string;
  /** Canonical fields to search by; available to `body` as `record`. */
  criteria?: Record<string, unknown>;
  /**
   * Records whose `property` (canonical name) holds one of `values`: candidates for identity
   * matching. Available to `body` and `params` as `lookup`, with the property's wire name.
   */
  lookup?: SearchLookup;
  since?: string | number | Date;
}

export interface SearchLookup {
  property: string;
  values: readonly string[];
}

export interface GetOptions extends CallOptions {
  /** Default: the operation named `get`, else the first `get` operation. */
  operation?: string;
}
