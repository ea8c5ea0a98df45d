/**
 * The connector client: a `ConnectorDocument` (secrets already resolved) turned into calls the
 * engine makes — list, search, get and write — for one connection. Everything vendor-specific is
 * in the document or in named vendor hooks; what comes out is normalised records, per-record
 * write results and `ConnectorError`s.
 */
import { durationMs } from '../spec/duration.js';
import type { ConnectorDocument } from '../spec/types.js';
import { vendorModule } from '../vendors/index.js';
import { createAuthenticator, type Authenticator } from './auth/index.js';
import type { CredentialStore } from './auth/credentialStore.js';
import type { BudgetBackend } from './budget/backend.js';
import { compileErrorRules } from './classify.js';
import { COMPOSIO_RULES } from './composio/classifyFailure.js';
import { ComposioTransport } from './composio/composioTransport.js';
import { composioErrorMessage } from './composio/errorMessage.js';
import { ToolCatalog, type ToolMetadata } from './composio/toolCatalog.js';
import { compileExpression, type ExpressionLimits } from './expression.js';
import type { ExchangeContext } from './http/exchange.js';
import { HttpTransport } from './http/httpTransport.js';
import { createNodeFetch } from './http/nodeFetch.js';
import type { ConnectorMetrics } from './metrics.js';
import { compileObjects, findOperation, type HookLookup } from './operations/compile.js';
import { getRecord, readBatch, readRecords } from './operations/read.js';
import type { Transport } from './operations/transport.js';
import { WRITE_KINDS, writeRecords } from './operations/write.js';
import { RateBudget } from './rateBudget.js';
import { SecretScrubber } from './redact.js';
import { retryPolicy } from './retry.js';
import type { CallOptions, ConnectionRef, GetOptions, ListOptions, NormalisedRecord, SearchOptions, WriteInput, WriteResult } from './types.js';

export interface ConnectorClientOptions {
  connection: ConnectionRef;
  /** Tenant the connection belongs to (for metrics and messages; never a secret). */
  tenant: string;
  /** Where OAuth tokens are loaded from and a rotated refresh token is saved. Default: none (memory only). */
  credentials?: CredentialStore;
  /** Rate-budget storage; pass the same backend to clients that share a connection. Default: a private in-memory one. */
  budget?: BudgetBackend;
  /** Finds vendor hooks by `<module>.<hook>`. Default: the vendor registry (`src/vendors`). */
  hooks?: HookLookup;
  /** Default: a keep-alive `node:http` client shared by all clients of the process. */
  fetch?: typeof fetch;
  metrics?: ConnectorMetrics;
  /** Header carrying `WriteInput.idempotencyKey` on single-record writes, e.g. `Idempotency-Key`. Default: none. */
  idempotencyHeader?: string;
  /** Write requests (single records or batches) in flight at once per `write` call. Default: 4. */
  concurrency?: number;
  /** Budget of each JSONata evaluation. Default: 1 s, depth 500. */
  expressionLimits?: ExpressionLimits;
  /** Random source for backoff jitter (tests). Default: Math.random. */
  random?: () => number;
}

export interface ConnectorClient {
  readonly name: string;
  /** The connector's base URL before any token response replaces it. */
  readonly baseUrl: string;
  /** The connection's credentials, for a protocol spoken beside HTTP (a change stream). */
  readonly authenticator: Authenticator;
  list(object: string, opts?: ListOptions): AsyncIterable<NormalisedRecord>;
  search(object: string, opts?: SearchOptions): AsyncIterable<NormalisedRecord>;
  /** The record, or undefined when the vendor answers 404. */
  get(object: string, id: string, opts?: GetOptions): Promise<NormalisedRecord | undefined>;
  /** The records of these ids through a `batchRead` operation; unknown ids are left out. */
  batchRead(object: string, ids: readonly string[], opts?: GetOptions): Promise<NormalisedRecord[]>;
  /** One result per input, at the same index. */
  write(object: string, operation: string, records: readonly WriteInput[], opts?: CallOptions): Promise<WriteResult[]>;
  /** Composio tool metadata, fetched once per tool (Composio connectors only). */
  toolMetadata(slug: string, opts?: CallOptions): Promise<ToolMetadata>;
}

/** Default of `timeout`. */
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_COMPOSIO_URL = 'https://backend.composio.dev';

function fallbackMessage(body: unknown, text: string): string | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as { message?: unknown; error?: unknown };
    if (typeof b.message === 'string') return b.message;
    if (typeof b.error === 'string') return b.error;
  }
  return text ? text.slice(0, 200) : undefined;
}

let nodeFetch: typeof fetch | undefined;
function sharedNodeFetch(): typeof fetch {
  nodeFetch ??= createNodeFetch();
  return nodeFetch;
}

export function createConnectorClient(doc: ConnectorDocument, opts: ConnectorClientOptions): ConnectorClient {
  const spec = doc.spec;
  if ((spec.transport ?? 'http') !== 'http') throw new Error(`connector ${doc.metadata.name} is not an HTTP connector`);
  if (!spec.auth || !spec.baseUrl) throw new Error(`connector ${doc.metadata.name} needs baseUrl and auth`);
  const name = doc.metadata.name;
  const scrubber = new SecretScrubber();
  const fetchImpl = opts.fetch ?? sharedNodeFetch();
  const timeoutMs = durationMs(spec.timeout, DEFAULT_TIMEOUT_MS);
  const objects = compileObjects(doc, opts.hooks, opts.expressionLimits);
  const budget = new RateBudget({ connection: opts.connection.id, spec: spec.rateLimit, ...(opts.budget ? { backend: opts.budget } : {}), ...(opts.metrics ? { metrics: opts.metrics } : {}) });
  const auth = spec.auth;
  const isComposio = auth.type === 'composio';
  const rules = [...compileErrorRules(spec.errors), ...(isComposio ? COMPOSIO_RULES : [])];
  const messageExpr = spec.errorMessage ? compileExpression(spec.errorMessage, opts.expressionLimits) : undefined;
  const moduleMessage = spec.hooks ? vendorModule(spec.hooks)?.errorMessage : undefined;
  const errorMessage = async (body: unknown, text: string): Promise<string | undefined> => {
    if (messageExpr && body !== undefined && typeof body !== 'string') {
      const v = await messageExpr.evaluate(body);
      if (typeof v === 'string' && v) return v;
    }
    return (moduleMessage?.(body) ?? (isComposio ? composioErrorMessage(body) : undefined)) ?? fallbackMessage(body, text);
  };
  const baseUrl = isComposio ? (auth.baseUrl ?? DEFAULT_COMPOSIO_URL) : spec.baseUrl;
  const ctx: ExchangeContext = {
    connector: name,
    connection: opts.connection.id,
    baseUrl,
    auth: createAuthenticator(auth, { connection: opts.connection.id, baseUrl: spec.baseUrl, store: opts.credentials, fetch: fetchImpl, timeoutMs, scrubber, metrics: opts.metrics }),
    ...(spec.headers ? { headers: spec.headers } : {}),
    budget,
    retry: retryPolicy(spec.retry),
    timeoutMs,
    rules,
    errorMessage,
    scrubber,
    fetch: fetchImpl,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.random ? { random: opts.random } : {}),
  };
  const transport: Transport = auth.type === 'composio' ? new ComposioTransport(ctx, auth, opts.connection) : new HttpTransport(ctx, opts.idempotencyHeader ? { idempotencyHeader: opts.idempotencyHeader } : {});
  const catalog = auth.type === 'composio' ? new ToolCatalog(ctx, auth.toolkitVersion) : undefined;
  const concurrency = opts.concurrency ?? 4;

  const req = (o: CallOptions | undefined): { signal?: AbortSignal; correlationId?: string } => ({
    ...(o?.signal ? { signal: o.signal } : {}),
    ...(o?.correlationId ? { correlationId: o.correlationId } : {}),
  });

  return {
    name,
    baseUrl,
    authenticator: ctx.auth,
    list(object, o = {}) {
      const op = findOperation(objects, object, ['list'], o.operation);
      return readRecords(transport, op, { ...req(o), ...(o.since !== undefined ? { since: o.since } : {}) });
    },
    search(object, o = {}) {
      const op = findOperation(objects, object, ['search'], o.operation);
      return readRecords(transport, op, { ...req(o), ...(o.since !== undefined ? { since: o.since } : {}), ...(o.criteria ? { criteria: o.criteria } : {}), ...(o.lookup ? { lookup: o.lookup } : {}) });
    },
    get(object, id, o = {}) {
      return getRecord(transport, findOperation(objects, object, ['get'], o.operation), id, req(o));
    },
    batchRead(object, ids, o = {}) {
      return readBatch(transport, findOperation(objects, object, ['batchRead'], o.operation), ids, req(o));
    },
    write(object, operation, records, o = {}) {
      const op = findOperation(objects, object, WRITE_KINDS, operation);
      return writeRecords(transport, op, records, { rules, scrubber, concurrency, ...req(o) });
    },
    toolMetadata(slug, o = {}) {
      if (!catalog) return Promise.reject(new Error(`connector ${name} does not use Composio`));
      return catalog.get(slug, o.signal);
    },
  };
}
