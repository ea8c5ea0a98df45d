/**
 * Operations as Composio tool executions: `POST /api/v3/tools/execute/{tool}` with the tenant's
 * connected account, the pinned toolkit version and the call's correlation id. Only the tool's
 * `data` leaves this file; the operation's `records`/`record` expressions normalise it like any
 * HTTP response, so no toolkit shape reaches the core.
 */
import type { AuthSpec } from '../../spec/types.js';
import { ConnectorError } from '../errors.js';
import { exchange, type ExchangeContext } from '../http/exchange.js';
import type { CompiledOperation } from '../operations/compile.js';
import type { OperationCall, OperationResponse, Transport } from '../operations/transport.js';
import type { ConnectionRef } from '../types.js';
import { classifyToolFailure } from './classifyFailure.js';

type ComposioSpec = Extract<AuthSpec, { type: 'composio' }>;

interface ExecuteResponse {
  data?: unknown;
  error?: unknown;
  successful?: boolean;
}

export class ComposioTransport implements Transport {
  constructor(
    private readonly ctx: ExchangeContext,
    private readonly spec: ComposioSpec,
    private readonly connection: ConnectionRef,
  ) {}

  async call(op: CompiledOperation, c: OperationCall): Promise<OperationResponse> {
    const tool = op.spec.tool;
    if (!tool) throw new Error(`${op.label}: operations of a Composio connector need a \`tool\``);
    const accountId = this.connection.connectedAccountId;
    if (!accountId) {
      throw new ConnectorError(`${this.ctx.connector} ${op.label}: no connected account for this tenant; the connection needs connecting`, {
        class: 'auth',
        code: 'needs_reconnect',
        operation: op.label,
      });
    }
    let args = op.arguments ? await op.arguments.evaluate(c.input, c.input as Record<string, unknown>) : (c.input.record ?? {});
    if (args === undefined || args === null) args = {};
    if (typeof args !== 'object' || Array.isArray(args)) {
      throw new ConnectorError(`${op.label}: \`arguments\` must build an object`, { class: 'mapping', code: 'bad_arguments', operation: op.label });
    }
    const extra: Record<string, unknown> = { ...c.page?.query, ...c.page?.body };
    if (op.spec.since?.param && c.input.since !== undefined) extra[op.spec.since.param] = c.input.since;
    const argsObj: Record<string, unknown> = { ...(args as Record<string, unknown>), ...extra };
    const correlationId = c.input.correlationId;
    if (correlationId && argsObj.metadata && typeof argsObj.metadata === 'object' && !Array.isArray(argsObj.metadata)) {
      argsObj.metadata = { ...(argsObj.metadata as Record<string, unknown>), correlation_id: correlationId };
    }
    const userId = this.connection.userId ?? this.spec.userId;
    const res = await exchange(this.ctx, {
      operation: op.label,
      method: 'POST',
      path: `/api/v3/tools/execute/${encodeURIComponent(tool)}`,
      label: `/api/v3/tools/execute/${tool}`,
      body: { arguments: argsObj, ...(userId ? { user_id: userId } : {}), connected_account_id: accountId, version: this.spec.toolkitVersion },
      headers: correlationId ? { 'x-correlation-id': correlationId } : {},
      budget: op.budget,
      cost: op.cost,
      ...(c.signal ? { signal: c.signal } : {}),
    });
    const out = (res.body ?? {}) as ExecuteResponse;
    if (out.successful === false) {
      const raw = typeof out.error === 'string' ? out.error : out.error && typeof out.error === 'object' ? String((out.error as { message?: unknown }).message ?? 'tool failed') : 'tool failed';
      const vendorMessage = this.ctx.scrubber.scrub(raw.slice(0, 500));
      const { class: cls, status } = classifyToolFailure(vendorMessage, this.ctx.rules);
      // An upstream "not found" on a get is an answer, like a 404 over HTTP.
      if (status !== undefined && c.accept?.includes(status)) return { status, body: undefined, url: res.url };
      throw new ConnectorError(`${this.ctx.connector} ${op.label}: tool ${tool} failed (${cls}): ${vendorMessage}`, {
        class: cls,
        ...(status !== undefined ? { status } : {}),
        vendorMessage,
        code: cls === 'auth' ? 'needs_reconnect' : 'tool_failed',
        operation: op.label,
      });
    }
    return { status: res.status, body: out.data, url: res.url };
  }
}
