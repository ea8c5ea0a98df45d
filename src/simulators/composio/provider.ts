/**
 * The HTTP client a tool uses to reach its provider: the provider's (or the account's own) base
 * URL, the account's credentials in the header the toolkit expects, a timeout, and a record of
 * every call for the execution log. Credentials never appear in that record or in errors.
 */
import type { ToolkitDefinition } from './catalog/types.js';
import type { ProviderConfig, ProviderCredentials } from './config.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type QueryValue = string | number | boolean | null | undefined | Array<string | number>;

export interface ProviderRequest {
  method: HttpMethod;
  /** Path below the base URL, segments already encoded (see {@link pathSegment}). */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export interface ProviderResponse {
  status: number;
  body: unknown;
}

/** One provider call as the execution log shows it. */
export interface ProviderCall {
  method: HttpMethod;
  url: string;
  status: number | 'unreachable';
}

/**
 * The provider answered with an error status. The message is worded like Python `requests`
 * errors (`404 Client Error: Not Found for url: …`) followed by the provider's own message; the
 * exact text Composio puts in `error` is UNCONFIRMED, but it leads with the upstream status, which
 * is what clients (syncd's Composio transport among them) read the failure class from.
 */
export class ProviderError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly url: string,
  ) {
    super(`${status} ${status >= 500 ? 'Server' : 'Client'} Error: ${REASONS[status] ?? 'Error'} for url: ${url}${describe(body)}`);
  }
}

/** No answer: connection refused or reset, timeout, or no provider configured. */
export class ProviderUnreachableError extends Error {}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The provider's own error message, in whichever shape it words errors. */
function describe(body: unknown): string {
  let message: unknown;
  if (Array.isArray(body)) message = (body[0] as { message?: unknown } | undefined)?.message; // Salesforce
  else if (body && typeof body === 'object') {
    const b = body as { message?: unknown; error?: unknown };
    message = typeof b.message === 'string' ? b.message : b.error; // HubSpot / Pipedrive
  } else message = body;
  return typeof message === 'string' && message !== '' ? `. ${message.slice(0, 500)}` : '';
}

export function pathSegment(value: unknown): string {
  return encodeURIComponent(String(value));
}

export interface ProviderHttpOptions {
  toolkit: ToolkitDefinition;
  credentials: ProviderCredentials;
  provider: ProviderConfig | undefined;
  timeoutMs: number;
}

export class ProviderHttp {
  readonly calls: ProviderCall[] = [];
  /** Salesforce REST API version (`66.0`). */
  readonly apiVersion: string;
  private readonly baseUrl: string | undefined;

  constructor(private readonly options: ProviderHttpOptions) {
    this.apiVersion = options.provider?.apiVersion ?? '66.0';
    this.baseUrl = (options.credentials.base_url ?? options.provider?.baseUrl)?.replace(/\/$/, '');
  }

  /** Sends a request; any status comes back. Throws only when there is no answer. */
  async send(req: ProviderRequest): Promise<ProviderResponse> {
    if (!this.baseUrl) throw new ProviderUnreachableError(`no provider configured for toolkit ${this.options.toolkit.slug}`);
    const url = this.baseUrl + req.path + queryString(req.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    const c = this.options.credentials;
    if (c.access_token) headers.authorization = `Bearer ${c.access_token}`;
    else if (c.api_key) headers[this.options.toolkit.apiKeyHeader ?? 'x-api-key'] = c.api_key;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const call: ProviderCall = { method: req.method, url, status: 'unreachable' };
    this.calls.push(call);
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (e) {
      const reason = (e as Error).name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : 'connection failed';
      throw new ProviderUnreachableError(`${this.options.toolkit.name} API ${reason}: ${req.method} ${url}`);
    }
    call.status = res.status;
    const text = await res.text();
    let body: unknown = text;
    if (text === '') body = undefined;
    else {
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: kept as text for the error message.
      }
    }
    return { status: res.status, body };
  }

  /** Sends a request and returns its JSON body; error statuses throw {@link ProviderError}. */
  async json(req: ProviderRequest): Promise<unknown> {
    const res = await this.send(req);
    if (res.status >= 400) throw new ProviderError(res.status, res.body, this.baseUrl + req.path);
    return res.body;
  }
}

function queryString(query: ProviderRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    params.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
