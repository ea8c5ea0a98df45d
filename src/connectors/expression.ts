/**
 * JSONata expressions of a connector, compiled once when the client is built. Each evaluation
 * runs with a time and depth budget so a bad expression cannot hang the process.
 *
 * Expressions in the subset src/transforms/jsonataCompiler.ts compiles (paths, constructors,
 * string functions, conditionals) are evaluated there, synchronously, because they run once per
 * record on the hot path; whenever that fast path bails, JSONata itself evaluates, so the result
 * is always what JSONata would give.
 */
import jsonata from 'jsonata';
import { BAIL, compileFast } from '../transforms/jsonataCompiler.js';
import { ConnectorError } from './errors.js';

/** Budget of one evaluation. */
export interface ExpressionLimits {
  /** Milliseconds. Default: 1000. */
  timeoutMs?: number;
  /** Maximum evaluation depth. Default: 500. */
  maxDepth?: number;
}

export interface CompiledExpression {
  readonly source: string;
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

export function compileExpression(source: string, limits: ExpressionLimits = {}): CompiledExpression {
  const options = { timeout: limits.timeoutMs ?? 1000, stack: limits.maxDepth ?? 500 };
  const expr = jsonata(source, options);
  const slow = async (input: unknown, bindings?: Record<string, unknown>): Promise<unknown> => {
    try {
      return fromJsonata(await expr.evaluate(input, bindings));
    } catch (err) {
      throw expressionFailure(source, err);
    }
  };
  const fast = compileFast(source, { maxDepth: options.stack });
  if (!fast) return { source, evaluate: slow };
  return {
    source,
    evaluate(input, bindings) {
      const v = fast(input, bindings);
      return v === BAIL ? slow(input, bindings) : Promise.resolve(v);
    },
  };
}

/**
 * A failing expression is the connector's problem with this data, not the vendor's: a mapping
 * error. JSONata's own message may quote a value, so only its code and the expression are kept.
 */
function expressionFailure(source: string, err: unknown): ConnectorError {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'error';
  const timeout = code === 'D1011' || code === 'D1012';
  return new ConnectorError(`JSONata expression \`${source.length > 80 ? `${source.slice(0, 80)}…` : source}\` failed (${code}${timeout ? ': time or depth budget exceeded' : ''})`, {
    class: 'mapping',
    code: 'expression_failed',
  });
}

/** JSONata marks sequences with extra properties; hand out plain arrays. */
function fromJsonata(v: unknown): unknown {
  if (Array.isArray(v) && (v as { sequence?: boolean }).sequence) return Array.from(v);
  return v;
}
