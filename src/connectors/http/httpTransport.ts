/** Operations as direct HTTP calls to the vendor's API. */
import { ConnectorError } from '../errors.js';
import type { CompiledOperation } from '../operations/compile.js';
import { fillPath } from '../operations/inputs.js';
import type { OperationCall, OperationResponse, Transport } from '../operations/transport.js';
import { exchange, type ExchangeContext, type QueryValue } from './exchange.js';

export interface HttpTransportOptions {
  /** Header that carries `WriteInput.idempotencyKey` (e.g. `Idempotency-Key`). Default: none. */
  idempotencyHeader?: string;
}

export class HttpTransport implements Transport {
  constructor(
    private readonly ctx: ExchangeContext,
    private readonly opts: HttpTransportOptions = {},
  ) {}

  async call(op: CompiledOperation, c: OperationCall): Promise<OperationResponse> {
    const spec = op.spec;
    const query: Record<string, QueryValue> = { ...spec.query };
    if (spec.since?.param && c.input.since !== undefined) query[spec.since.param] = c.input.since;
    if (op.params) Object.assign(query, await this.params(op, c));
    Object.assign(query, c.page?.query);
    let body: unknown;
    if (op.body) {
      body = await op.body.evaluate(c.input, c.input as Record<string, unknown>);
      if (c.page && Object.keys(c.page.body).length) {
        if (body === undefined) body = {};
        if (!body || typeof body !== 'object' || Array.isArray(body)) {
          throw new ConnectorError(`${op.label}: the body must be an object to carry the page cursor`, { class: 'mapping', code: 'bad_body', operation: op.label });
        }
        body = { ...(body as Record<string, unknown>), ...c.page.body };
      }
    } else if (c.page && Object.keys(c.page.body).length) {
      body = { ...c.page.body };
    }
    const headers: Record<string, string> = {};
    if (this.opts.idempotencyHeader && c.idempotencyKey) headers[this.opts.idempotencyHeader.toLowerCase()] = c.idempotencyKey;
    if (c.input.correlationId) headers['x-correlation-id'] = c.input.correlationId;
    const pageUrl = c.page?.url;
    const res = await exchange(this.ctx, {
      operation: op.label,
      method: op.method,
      ...(pageUrl ? { url: pageUrl } : { path: fillPath(spec.path ?? '', c.input, op.label) }),
      label: pageUrl ? new URL(pageUrl).pathname : (spec.path ?? '/'),
      // A next-page URL already carries the listing's parameters.
      query: pageUrl ? {} : query,
      body,
      headers,
      budget: op.budget,
      cost: op.cost,
      ...(c.signal ? { signal: c.signal } : {}),
      ...(c.accept ? { accept: c.accept } : {}),
    });
    return { status: res.status, body: res.body, url: res.url };
  }

  /** The operation's `params` expression: an object of scalar query values (null and missing ones are left out). */
  private async params(op: CompiledOperation, c: OperationCall): Promise<Record<string, QueryValue>> {
    const v = await (op.params as NonNullable<CompiledOperation['params']>).evaluate(c.input, c.input as Record<string, unknown>);
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new ConnectorError(`${op.label}: \`params\` must build an object`, { class: 'mapping', code: 'bad_params', operation: op.label });
    }
    const out: Record<string, QueryValue> = {};
    for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new ConnectorError(`${op.label}: query parameter ${k} from \`params\` is not a string, number or boolean`, { class: 'mapping', code: 'bad_params', operation: op.label });
      }
      out[k] = value;
    }
    return out;
  }
}

