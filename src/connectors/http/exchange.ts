/**
 * One logical HTTP call of a connector: rate budget, credentials, timeout, classification of
 * failures, retries of transient ones with backoff, and one credential refresh after a 401.
 * Everything a caller sees on failure is a `ConnectorError` whose message holds the method, the
 * path template and the vendor's message — never a full URL, a header or a secret.
 */
import type { Authenticator } from '../auth/types.js';
import { classifyResponse, networkErrorCode, type ErrorRule } from '../classify.js';
import { ConnectorError } from '../errors.js';
import type { ConnectorMetrics } from '../metrics.js';
import type { BudgetKind, RateBudget } from '../rateBudget.js';
import type { SecretScrubber } from '../redact.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import { parseRetryAfter } from '../retryAfter.js';

export interface ExchangeContext {
  /** Connector name, for messages. */
  connector: string;
  /** Connection id, for metrics. */
  connection: string;
  baseUrl: string;
  auth: Authenticator;
  /** Sent with every request (the connector's `headers`), under the call's own and the credentials'. */
  headers?: Readonly<Record<string, string>>;
  budget: RateBudget;
  retry: RetryPolicy;
  timeoutMs: number;
  rules: readonly ErrorRule[];
  /** Reads the vendor's message from a parsed error body. */
  errorMessage: (body: unknown, text: string) => Promise<string | undefined>;
  scrubber: SecretScrubber;
  fetch: typeof fetch;
  metrics?: ConnectorMetrics;
  /** For backoff jitter, in tests. */
  random?: () => number;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface HttpCall {
  /** `object.operation`, for messages and metrics. */
  operation: string;
  method: string;
  /** Path below the base URL (already filled in) … */
  path?: string;
  /** … or an absolute URL on the base URL's origin (a next-page link). */
  url?: string;
  /** What error messages show as the path: the template, without ids or query. */
  label: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  budget: BudgetKind;
  cost: number;
  signal?: AbortSignal;
  /** Non-2xx statuses that are answers, not failures (404 for a `get`). */
  accept?: readonly number[];
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  /** The URL that answered, to resolve relative next-page links. */
  url: string;
}

const MAX_MESSAGE = 500;

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  const c = text.charCodeAt(0);
  if (contentType?.includes('json') || c === 123 /* { */ || c === 91 /* [ */) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function buildUrl(base: string, call: Pick<HttpCall, 'path' | 'url' | 'query' | 'label'>, authQuery?: Record<string, string>): URL {
  let url: URL;
  if (call.url !== undefined) {
    url = new URL(call.url);
    // Credentials go only to the configured API host, whatever a response links to.
    if (url.origin !== new URL(base).origin) {
      throw new ConnectorError(`next-page link for ${call.label} points to another host`, { class: 'mapping', code: 'foreign_link' });
    }
  } else {
    url = new URL(base.replace(/\/+$/, '') + (call.path ?? ''));
  }
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  for (const [k, v] of Object.entries(authQuery ?? {})) url.searchParams.set(k, v);
  return url;
}

async function attempt(ctx: ExchangeContext, call: HttpCall, onVersion: (v: number) => void): Promise<HttpResult> {
  const creds = await ctx.auth.credentials(call.signal);
  onVersion(creds.version);
  const url = buildUrl(creds.baseUrl ?? ctx.baseUrl, call, creds.query);
  const headers: Record<string, string> = { accept: 'application/json', ...ctx.headers, ...call.headers, ...creds.headers };
  let payload: string | undefined;
  if (call.body !== undefined) {
    payload = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  const release = await ctx.budget.acquire(call.budget, call.cost, call.signal);
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const started = performance.now();
  let res: Response;
  let text: string;
  try {
    res = await ctx.fetch(url, { method: call.method, headers, body: payload, signal: call.signal ? AbortSignal.any([call.signal, timeout]) : timeout });
    text = await res.text();
  } catch (err) {
    if (call.signal?.aborted) throw call.signal.reason;
    const code = timeout.aborted ? 'timeout' : networkErrorCode(err);
    ctx.metrics?.request?.({ connection: ctx.connection, operation: call.operation, method: call.method, status: undefined, ms: performance.now() - started });
    throw new ConnectorError(`${ctx.connector} ${call.operation}: ${call.method} ${call.label} failed (${code})`, { class: 'transient', code, operation: call.operation });
  } finally {
    release();
  }
  ctx.metrics?.request?.({ connection: ctx.connection, operation: call.operation, method: call.method, status: res.status, ms: performance.now() - started });
  await ctx.budget.observe(res.headers, call.budget);
  const body = parseBody(text, res.headers.get('content-type'));
  if (res.ok || call.accept?.includes(res.status)) return { status: res.status, headers: res.headers, body, url: url.href };

  const cls = classifyResponse(res.status, text, ctx.rules);
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  if (res.status === 429) ctx.metrics?.rateLimited?.({ connection: ctx.connection, operation: call.operation, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  if (retryAfterMs !== undefined && cls === 'transient') await ctx.budget.pauseFor(retryAfterMs);
  const raw = await ctx.errorMessage(body, text).catch(() => undefined);
  const vendorMessage = raw === undefined ? undefined : ctx.scrubber.scrub(raw.length > MAX_MESSAGE ? `${raw.slice(0, MAX_MESSAGE)}…` : raw);
  throw new ConnectorError(`${ctx.connector} ${call.operation}: ${call.method} ${call.label} → HTTP ${res.status} (${cls})${vendorMessage ? `: ${vendorMessage}` : ''}`, {
    class: cls,
    status: res.status,
    operation: call.operation,
    ...(vendorMessage !== undefined ? { vendorMessage } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Sends `call`, retrying transient failures and refreshing credentials once after a 401. */
export function exchange(ctx: ExchangeContext, call: HttpCall): Promise<HttpResult> {
  let refreshed = false;
  let version = 0;
  const setVersion = (v: number): void => {
    version = v;
  };
  return withRetry(
    async () => {
      for (;;) {
        try {
          return await attempt(ctx, call, setVersion);
        } catch (err) {
          if (err instanceof ConnectorError && err.status === 401 && err.class === 'auth' && !refreshed) {
            refreshed = true;
            if (await ctx.auth.unauthorized(version, call.signal)) continue;
          }
          throw err;
        }
      }
    },
    {
      policy: ctx.retry,
      ...(call.signal ? { signal: call.signal } : {}),
      ...(ctx.random ? { random: ctx.random } : {}),
      onRetry: (err, attemptNo, delayMs) =>
        ctx.metrics?.retry?.({ connection: ctx.connection, operation: call.operation, attempt: attemptNo, delayMs, ...(err.code ? { code: err.code } : {}), ...(err.status ? { status: err.status } : {}) }),
    },
  );
}
