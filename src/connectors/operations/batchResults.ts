/**
 * Per-record outcomes of a batch response. Failures come from the operation's `errors`
 * expression as `[{index, status?, message?}]`, where `index` is the position in the batch
 * request (the `index` of the `records` items the body was built from). Successes are the
 * response's records, matched to the inputs in order, skipping the failed ones, unless the
 * response lists every input (failed ones included, as Salesforce `SaveResult[]` does).
 */
import { classifyResponse, type ErrorRule } from '../classify.js';
import { ConnectorError } from '../errors.js';
import type { SecretScrubber } from '../redact.js';
import type { CompiledOperation } from './compile.js';
import type { BatchItem } from './inputs.js';
import { recordsOf } from './normalise.js';

export interface ItemOutcome {
  ok: boolean;
  /** The wire record of a success. */
  wire?: unknown;
  error?: ConnectorError;
}

interface ErrorItem {
  index?: unknown;
  status?: unknown;
  message?: unknown;
}

export async function batchOutcomes(op: CompiledOperation, body: unknown, sent: readonly BatchItem[], rules: readonly ErrorRule[], scrubber: SecretScrubber): Promise<ItemOutcome[]> {
  const outcomes: Array<ItemOutcome | undefined> = new Array(sent.length).fill(undefined);
  if (op.errors) {
    const raw = await op.errors.evaluate(body);
    const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
    for (const item of list as ErrorItem[]) {
      const index = Number(item?.index);
      if (!Number.isInteger(index) || index < 0 || index >= sent.length) continue;
      const status = Number(item.status);
      const message = typeof item.message === 'string' ? scrubber.scrub(item.message.slice(0, 500)) : undefined;
      const hasStatus = Number.isInteger(status) && status >= 400;
      const cls = hasStatus ? classifyResponse(status, message ?? '', rules) : 'mapping';
      outcomes[index] = {
        ok: false,
        error: new ConnectorError(`${op.label}: record rejected${hasStatus ? ` (${status})` : ''} (${cls})${message ? `: ${message}` : ''}`, {
          class: cls,
          ...(hasStatus ? { status } : {}),
          ...(message !== undefined ? { vendorMessage: message } : {}),
          operation: op.label,
        }),
      };
    }
  }
  const results = await recordsOf(op, body);
  if (results.length === sent.length) {
    results.forEach((wire, i) => {
      outcomes[i] ??= { ok: true, wire };
    });
  } else {
    let next = 0;
    for (let i = 0; i < sent.length; i++) {
      if (outcomes[i]) continue;
      outcomes[i] = next < results.length ? { ok: true, wire: results[next++] } : { ok: true };
    }
  }
  return outcomes as ItemOutcome[];
}
