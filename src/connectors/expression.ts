/**
 * JSONata expressions of a connector, compiled once when the client is built. Each evaluation
 * runs with a time and depth budget so a bad expression cannot hang the process.
 *
 * Most connector expressions are plain paths (`id`, `properties`, `paging.next.after`); those are
 * read directly, without going through the JSONata evaluator, because they run once per record on
 * the hot path. Anything beyond a plain path over plain objects falls back to JSONata, so the
 * result is always what JSONata would give.
 */
import jsonata from 'jsonata';
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

const PLAIN_PATH = /^\s*(\$|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/;
const NOT_PLAIN = Symbol('not-plain');

function readPath(input: unknown, steps: readonly string[]): unknown {
  let cur = input;
  for (const step of steps) {
    if (cur === null || cur === undefined) return undefined;
    // JSONata maps over arrays and flattens; leave those semantics to JSONata itself.
    if (Array.isArray(cur) || typeof cur !== 'object') return NOT_PLAIN;
    cur = (cur as Record<string, unknown>)[step];
  }
  if (Array.isArray(cur)) return cur.length === 0 ? undefined : NOT_PLAIN;
  return cur;
}

export function compileExpression(source: string, limits: ExpressionLimits = {}): CompiledExpression {
  const options = { timeout: limits.timeoutMs ?? 1000, stack: limits.maxDepth ?? 500 };
  const expr = jsonata(source, options);
  const plain = PLAIN_PATH.exec(source);
  const steps = plain ? (plain[1] === '$' ? [] : (plain[1] as string).split('.')) : undefined;
  const slow = async (input: unknown, bindings?: Record<string, unknown>): Promise<unknown> => {
    try {
      return fromJsonata(await expr.evaluate(input, bindings));
    } catch (err) {
      throw expressionFailure(source, err);
    }
  };
  if (!steps) return { source, evaluate: slow };
  return {
    source,
    evaluate(input, bindings) {
      if (Array.isArray(input)) return slow(input, bindings);
      const v = readPath(input, steps);
      return v === NOT_PLAIN ? slow(input, bindings) : Promise.resolve(v);
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
