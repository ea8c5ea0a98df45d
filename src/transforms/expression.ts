/**
 * JSONata expressions from spec files, compiled once and evaluated with a budget: a time limit,
 * a depth limit and a sequence-length limit, so one bad expression cannot hang or exhaust the
 * daemon. Budget violations and runtime errors surface as ExpressionError with the expression's
 * label, never as an unhandled rejection.
 *
 * Expressions in the subset jsonataCompiler.ts compiles are evaluated there first, synchronously;
 * JSONata itself runs only when that fast path bails. The fast path is linear in the input and
 * bails before building a sequence past the budget, so budget errors stay JSONata's own.
 */
import jsonata from 'jsonata';
import { BAIL, compileFast } from './jsonataCompiler.js';

export interface ExpressionBudget {
  /** Longest evaluation, in milliseconds. Default: 250. */
  timeoutMs?: number;
  /** Deepest evaluation stack. Default: 300. */
  maxDepth?: number;
  /** Longest sequence an evaluation may build. Default: 100000. */
  maxSequence?: number;
}

export class ExpressionError extends Error {
  constructor(
    readonly label: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`${label}: ${message}`);
    this.name = 'ExpressionError';
  }
}

export interface CompiledExpression {
  readonly source: string;
  readonly label: string;
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

const BUDGET_MESSAGES: Record<string, string> = {
  D1011: 'the expression recursed too deeply (depth budget exceeded)',
  D1012: 'the expression ran past its time budget',
  D2015: 'the expression built a sequence past its length budget',
};

export function compileExpression(source: string, label: string, budget: ExpressionBudget = {}): CompiledExpression {
  const options = { timeout: budget.timeoutMs ?? 250, stack: budget.maxDepth ?? 300, sequence: budget.maxSequence ?? 100_000 };
  let expr: ReturnType<typeof jsonata>;
  try {
    // The typings of jsonata 2 omit the options argument that the implementation accepts.
    expr = (jsonata as unknown as (s: string, o: unknown) => ReturnType<typeof jsonata>)(source, options);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    throw new ExpressionError(label, err.code, `does not compile: ${err.message ?? String(e)}`);
  }
  const slow = async (input: unknown, bindings?: Record<string, unknown>): Promise<unknown> => {
    try {
      try {
        return await expr.evaluate(input as object, bindings);
      } catch (e) {
        // JSONata measures the time budget on the wall clock, which also counts a GC pause or a
        // stalled machine: an evaluation that ran out of time is run once more (expressions are
        // pure) before its record is failed. A runaway expression runs out of time twice.
        if ((e as { code?: string }).code !== 'D1012') throw e;
        return await expr.evaluate(input as object, bindings);
      }
    } catch (e) {
      const err = e as { code?: string; message?: string };
      const known = err.code ? BUDGET_MESSAGES[err.code] : undefined;
      throw new ExpressionError(label, err.code, known ?? err.message ?? String(e));
    }
  };
  const fast = compileFast(source, { maxDepth: options.stack, maxSequence: options.sequence });
  if (!fast) return { source, label, evaluate: slow };
  return {
    source,
    label,
    evaluate(input, bindings) {
      const v = fast(input, bindings);
      return v === BAIL ? slow(input, bindings) : Promise.resolve(v);
    },
  };
}

/** JSONata returns sequences as arrays with extra flags; syncd wants plain JSON values. */
export function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = plain(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return value;
}
