/** How an operation reaches the vendor: a direct HTTP call, or a Composio tool execution. */
import type { PageRequest } from '../pagination.js';
import type { CompiledOperation } from './compile.js';
import type { BodyInput } from './inputs.js';

export interface OperationCall {
  input: BodyInput;
  page?: PageRequest;
  signal?: AbortSignal;
  idempotencyKey?: string;
  /** Non-2xx statuses that are answers (404 for a get). */
  accept?: readonly number[];
}

export interface OperationResponse {
  status: number;
  /** The vendor's payload (for Composio: the tool's `data`). */
  body: unknown;
  url: string;
}

export interface Transport {
  call(op: CompiledOperation, call: OperationCall): Promise<OperationResponse>;
}
