/**
 * What the shared conformance scenarios need to know about one connector + simulator pair. Each
 * vendor module fills one `VendorCase`; a scenario that does not apply to a vendor is a `Skip`
 * whose reason ends up in the (skipped) test's name.
 */
import type { ConnectionRef, ConnectorClient } from '../../../src/connectors/index.js';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import type { SpecRouter } from '../specCheck.js';

export interface Skip {
  skip: string;
}

export function isSkip(x: unknown): x is Skip {
  return typeof x === 'object' && x !== null && 'skip' in x;
}

export interface VendorHarness {
  /** Values for the connector's `${env:…}` references. */
  env: Record<string, string>;
  connection: ConnectionRef;
  /** The simulator the connector calls; faults are scripted here. */
  front: RunningSimulator;
  /** The record as the simulator stores it, in the vendor's wire form. */
  record(object: string, id: string): Promise<Record<string, unknown>>;
  /** Moves the simulator's record clock forward; returns its new "now". */
  advanceClock(ms: number): Promise<Date>;
  /** Token refreshes the simulator has served. */
  refreshCount(): number;
  close(): Promise<void>;
}

export interface Ctx {
  h: VendorHarness;
  client: ConnectorClient;
  /** Unique per run, so values written by one scenario are never mistaken for another's. */
  tag: string;
}

/** One write through the connector and what the simulator must hold afterwards. */
export interface WriteCase {
  object: string;
  operation: string;
  /** The vendor id of an existing record, for updates. */
  target?: (c: Ctx) => Promise<string>;
  fields: (c: Ctx) => Record<string, unknown>;
  /** Matched (partially) against `VendorHarness.record` of the written record. */
  stored: (c: Ctx) => Record<string, unknown>;
}

export interface BatchCase {
  object: string;
  operation: string;
  /** Records to upsert; `changed` gives the second round, which must update the same records. */
  fields: (c: Ctx, round: 1 | 2) => Array<Record<string, unknown>>;
  stored: (c: Ctx, index: number, round: 1 | 2) => Record<string, unknown>;
}

export interface IncrementalCase {
  object: string;
  via: 'list' | 'search';
  /** A change made after `since`; the read must return this record. */
  touch: WriteCase;
}

export interface FaultCase {
  /** Only requests whose path contains this are faulted. */
  pathContains: string;
  /** The status the vendor answers the fault with. */
  status: number;
  /** `Retry-After` the vendor sends with a rate-limit answer. */
  retryAfterSeconds?: number;
}

export interface BadRequestCase extends Omit<WriteCase, 'stored'> {
  /** The vendor's own message, as the ConnectorError must carry it. */
  message: RegExp;
}

export interface WebhookCase {
  /** Registers `targetUrl` with the vendor (through the connector where it declares how). */
  subscribe(c: Ctx, targetUrl: string): Promise<void>;
  /** A user's edit at the vendor that makes it deliver an event; returns the changed record's id. */
  trigger(c: Ctx): Promise<string>;
  /** Headers of a delivery of `body` to `url` that the vendor did not send. */
  forged(body: string, url: string): Record<string, string>;
  /** Headers of a correctly signed delivery made too long ago, or a Skip. */
  stale: ((body: string, url: string) => Record<string, string>) | Skip;
  /** A minimal delivery body in the vendor's format. */
  sampleBody(): string;
}

export interface GetCase {
  object: string;
  id: (c: Ctx) => Promise<string>;
  /** Canonical fields the normalised record must hold (matched partially). */
  fields: (c: Ctx) => Record<string, unknown>;
  /** An id the vendor does not know: `get` answers undefined. */
  missingId: string;
}

export interface SearchCase {
  object: string;
  /** Canonical criteria, and the id of a record they must find. */
  criteria: (c: Ctx) => Promise<{ criteria: Record<string, unknown>; expectId: string }>;
}

/** A candidate search for identity matching: records whose property holds one of the values. */
export interface LookupCase {
  object: string;
  /** The search operation (`find`, `findByToken`). */
  operation: string;
  /** Canonical property searched. */
  property: string;
  /** The values the engine would send, and the id of a record they must find. */
  values: (c: Ctx) => Promise<{ values: string[]; expectId: string }>;
}

export interface VendorCase {
  /** Test label. */
  vendor: string;
  /** `metadata.name` of the connector under test. */
  connector: string;
  start(): Promise<VendorHarness>;
  /** OpenAPI documents every exchange is checked against. */
  spec: ((h: VendorHarness) => SpecRouter) | Skip;
  create: WriteCase | Skip;
  update: WriteCase | Skip;
  batchUpsert: BatchCase | Skip;
  incremental: IncrementalCase | Skip;
  get: GetCase | Skip;
  /** Reading the `get` case's record through the object's `batchRead`, with the unknown id beside it. */
  batchRead: GetCase | Skip;
  searchByCriteria: SearchCase | Skip;
  /** The candidate searches the connector declares for identity matching. */
  lookups: LookupCase[] | Skip;
  /** Further write operations the connector declares, each checked like `create`. */
  moreWrites: WriteCase[];
  /** The write the fault scenarios repeat (it must succeed once the fault has passed). */
  probe: WriteCase;
  rateLimit: FaultCase | Skip;
  /** Path of the token endpoint when the connector refreshes OAuth tokens. */
  expiredToken: { tokenPath: string } | Skip;
  serverError: FaultCase | Skip;
  badRequest: BadRequestCase | Skip;
  webhooks: WebhookCase | Skip;
}
