/**
 * A compiled fast path for a subset of JSONata 2. The JSONata evaluator is asynchronous and
 * walks its AST with an environment per call, which costs tens of microseconds even for small
 * transforms; per-record expressions (field mappings, transforms, batch bodies) are mostly
 * field paths, object and array constructors, string functions and conditionals, and those
 * compile here to plain synchronous closures over the AST (no code generation: spec files are
 * user input).
 *
 * The contract is exactness, not breadth. `compileFast` returns undefined for an expression
 * that uses anything outside the subset. A compiled expression returns either exactly the value
 * JSONata gives (in plain form: ordinary objects without undefined values, sequences as ordinary
 * arrays) or `BAIL` when the input leaves the ground this module reproduces — a JSONata error,
 * an array where a string is expected, an array input, nested arrays under a path — and the
 * caller then evaluates with JSONata itself, which yields the real value or the real error.
 *
 * Values taken from the input are passed on by reference, as JSONata does: they are in plain
 * form when the input is JSON data (which has no undefined values).
 *
 * Supported: string/number/boolean/null literals; `$`, `$$`, `$name`; paths of names
 * (backquoted too) with object constructors and built-in calls as steps, with JSONata's mapping,
 * flattening and singleton rules; `{"key": …}` with literal keys; `[…]`; `& + - * / %`;
 * `= != < <= > >= in and or`; `?:`; unary minus; single-expression blocks; and the built-ins
 * listed in jsonataSemantics.ts.
 */
import jsonata from 'jsonata';
import {
  arithmetic,
  BUILTINS,
  compare,
  concat,
  deepEqual,
  includes,
  isJsonataFunction,
  isUnsafeKey,
  JSONATA_ENVIRONMENT_NAMES,
  negate,
  stop,
  truthy,
  type ArithmeticOp,
  type ComparisonOp,
} from './jsonataSemantics.js';

/** Returned by a compiled expression when the real JSONata evaluator must decide. */
export const BAIL: unique symbol = Symbol('jsonata.bail');

export type FastExpression = (input: unknown, bindings: Record<string, unknown> | undefined) => unknown;

export interface FastOptions {
  /**
   * JSONata's evaluation depth limit the expression runs under. An expression nested so deeply
   * that JSONata could hit the limit is not compiled, so its D1011 error stays. Default: no limit.
   */
  maxDepth?: number;
  /**
   * JSONata's sequence-length limit. A compiled expression bails when it would build a sequence
   * or array longer than this, so JSONata raises its D2015 error. Default: no limit.
   */
  maxSequence?: number;
}

interface Env {
  readonly root: unknown;
  readonly bindings: Record<string, unknown> | undefined;
}

type Eval = (ctx: unknown, env: Env) => unknown;

/** The parts of JSONata's AST this module reads; anything else on a node makes it unsupported. */
interface Ast {
  type: string;
  value?: unknown;
  position?: number;
  steps?: Ast[];
  lhs?: Ast | [Ast, Ast][];
  rhs?: Ast;
  expression?: Ast;
  expressions?: Ast[];
  condition?: Ast;
  then?: Ast;
  else?: Ast;
  procedure?: Ast;
  arguments?: Ast[];
}

/** Properties each node type may carry; a node with any other (predicates, focus, grouping, keepArray, …) is not compiled. */
const ALLOWED_KEYS: Record<string, readonly string[]> = {
  string: ['type', 'value', 'position'],
  number: ['type', 'value', 'position'],
  value: ['type', 'value', 'position'],
  variable: ['type', 'value', 'position'],
  name: ['type', 'value', 'position'],
  path: ['type', 'steps'],
  binary: ['type', 'value', 'position', 'lhs', 'rhs'],
  unary: ['type', 'value', 'position', 'expression', 'expressions', 'lhs'],
  condition: ['type', 'position', 'condition', 'then', 'else'],
  block: ['type', 'position', 'expressions'],
  function: ['type', 'value', 'position', 'procedure', 'arguments'],
};

const isEnumerableOwn = Object.prototype.propertyIsEnumerable;

/** Whether the node is of a known type and carries nothing but the properties that type may have (JSONata leaves some keys present but undefined). */
function plainNode(node: Ast, type: string = node.type): boolean {
  const allowed = ALLOWED_KEYS[type];
  if (!allowed || node.type !== type) return false;
  for (const [key, value] of Object.entries(node)) if (value !== undefined && !allowed.includes(key)) return false;
  return true;
}

class Compiler {
  /** Built-ins called by the expression; a binding of the same name would replace them. */
  readonly calledBuiltins = new Set<string>();

  constructor(private readonly maxSequence: number) {}

  compile(node: Ast): Eval | undefined {
    if (!plainNode(node)) return undefined;
    switch (node.type) {
      case 'string':
      case 'number':
      case 'value':
        return this.literal(node.value);
      case 'variable':
        return this.variable(node.value);
      case 'path':
        return this.path(node.steps);
      case 'binary':
        return this.binary(node);
      case 'unary':
        return this.unary(node);
      case 'condition':
        return this.condition(node);
      case 'block':
        // Several expressions only matter with variable binding, which is not supported.
        return node.expressions?.length === 1 ? this.compile(node.expressions[0] as Ast) : undefined;
      case 'function':
        return this.call(node);
      default:
        return undefined;
    }
  }

  private literal(value: unknown): Eval | undefined {
    if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    return () => value;
  }

  private variable(name: unknown): Eval | undefined {
    if (typeof name !== 'string') return undefined;
    if (name === '') {
      return (ctx) => {
        // JSONata reads `$` of a context carrying a truthy `outerWrapper` as that context's first item.
        if (ctx !== null && typeof ctx === 'object' && (ctx as { outerWrapper?: unknown }).outerWrapper) stop();
        return ctx;
      };
    }
    if (name === '$') return (_ctx, env) => env.root;
    const builtin = JSONATA_ENVIRONMENT_NAMES.has(name);
    return (_ctx, env) => {
      const b = env.bindings;
      if (b !== undefined && isEnumerableOwn.call(b, name)) {
        const v = b[name];
        if (isJsonataFunction(v)) stop();
        return v;
      }
      // Unbound, a built-in's name yields the function itself, which plain values cannot express.
      if (builtin) stop();
      return undefined;
    };
  }

  /**
   * A path: each step maps over the sequence the previous step produced, dropping undefined
   * results and flattening arrays one level; a single array produced by the last step is
   * returned as it is; a final sequence of one item is that item.
   */
  private path(steps: Ast[] | undefined): Eval | undefined {
    if (!steps || steps.length === 0) return undefined;
    const compiled: Eval[] = [];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as Ast;
      const c = this.step(step, i === 0);
      if (!c) return undefined;
      compiled.push(c);
    }
    const maxSequence = this.maxSequence;
    const n = compiled.length;
    if (n === 1) {
      const only = compiled[0] as Eval;
      // One step over a single context item: the step's value, except that JSONata's sequences
      // never reach it here (steps yield input values, objects or scalars).
      return (ctx, env) => {
        if (Array.isArray(ctx)) stop();
        return only(ctx, env);
      };
    }
    return (ctx, env) => {
      // An array context is mapped over with lookup rules this module does not model.
      if (Array.isArray(ctx)) stop();
      let seq: unknown[] = [ctx];
      for (let i = 0; i < n; i++) {
        const step = compiled[i] as Eval;
        const last = i === n - 1;
        if (seq.length > maxSequence) stop();
        const results: unknown[] = [];
        let arrays = false;
        for (let j = 0; j < seq.length; j++) {
          const item = seq[j];
          // Steps applied to a nested array would look names up across it; not modelled.
          if (Array.isArray(item)) stop();
          const r = step(item, env);
          if (r !== undefined) {
            if (Array.isArray(r)) arrays = true;
            results.push(r);
          }
        }
        if (last && results.length === 1 && arrays) return results[0];
        let next = results;
        if (arrays) {
          next = [];
          for (const r of results) {
            if (Array.isArray(r)) for (const x of r) next.push(x);
            else next.push(r);
          }
          if (next.length > maxSequence) stop();
        }
        if (next.length === 0) return undefined;
        seq = next;
      }
      return seq.length === 1 ? seq[0] : seq;
    };
  }

  private step(step: Ast, first: boolean): Eval | undefined {
    if (!plainNode(step)) return undefined;
    switch (step.type) {
      case 'name': {
        const key = step.value;
        if (typeof key !== 'string') return undefined;
        return (item) => lookup(item, key);
      }
      case 'variable':
        // `$`, `$$` and `$name` start a path; later in a path they rebind the context per item.
        return first ? this.variable(step.value) : undefined;
      case 'unary':
        return step.value === '{' ? this.unary(step) : undefined;
      case 'function':
        return this.call(step);
      default:
        return undefined;
    }
  }

  private binary(node: Ast): Eval | undefined {
    const lhsNode = node.lhs;
    if (!lhsNode || Array.isArray(lhsNode) || !node.rhs) return undefined;
    const l = this.compile(lhsNode);
    const r = this.compile(node.rhs);
    if (!l || !r) return undefined;
    const op = node.value;
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return (ctx, env) => arithmetic(l(ctx, env), r(ctx, env), op as ArithmeticOp);
      case '=':
        return (ctx, env) => {
          const a = l(ctx, env);
          const b = r(ctx, env);
          return a === undefined || b === undefined ? false : deepEqual(a, b);
        };
      case '!=':
        return (ctx, env) => {
          const a = l(ctx, env);
          const b = r(ctx, env);
          return a === undefined || b === undefined ? false : !deepEqual(a, b);
        };
      case '<':
      case '<=':
      case '>':
      case '>=':
        return (ctx, env) => compare(l(ctx, env), r(ctx, env), op as ComparisonOp);
      case '&':
        return (ctx, env) => concat(l(ctx, env), r(ctx, env));
      case 'in':
        return (ctx, env) => includes(l(ctx, env), r(ctx, env));
      case 'and':
        return (ctx, env) => truthy(l(ctx, env)) && truthy(r(ctx, env));
      case 'or':
        return (ctx, env) => truthy(l(ctx, env)) || truthy(r(ctx, env));
      default:
        return undefined;
    }
  }

  private unary(node: Ast): Eval | undefined {
    switch (node.value) {
      case '-': {
        if (!node.expression) return undefined;
        const e = this.compile(node.expression);
        return e && ((ctx, env) => negate(e(ctx, env)));
      }
      case '[':
        return this.array(node.expressions);
      case '{':
        return Array.isArray(node.lhs) ? this.object(node.lhs) : undefined;
      default:
        return undefined;
    }
  }

  /** `[…]`: undefined members vanish, array values are spliced in, except nested `[…]` constructors. */
  private array(members: Ast[] | undefined): Eval | undefined {
    if (!members) return undefined;
    const compiled: Eval[] = [];
    // JSONata tests the member node's `value`, not its type, for the constructor check.
    const nested: boolean[] = [];
    for (const m of members) {
      const c = this.compile(m);
      if (!c) return undefined;
      compiled.push(c);
      nested.push(m.value === '[');
    }
    const maxSequence = this.maxSequence;
    return (ctx, env) => {
      const out: unknown[] = [];
      for (let i = 0; i < compiled.length; i++) {
        const v = (compiled[i] as Eval)(ctx, env);
        if (v === undefined) continue;
        if (nested[i] || !Array.isArray(v)) out.push(v);
        else for (const x of v) out.push(x);
      }
      if (out.length > maxSequence) stop();
      return out;
    };
  }

  /** `{"k": v, …}` over a single context item: keys in written order, undefined values dropped. */
  private object(pairs: [Ast, Ast][]): Eval | undefined {
    const keys: string[] = [];
    const values: Eval[] = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) return undefined;
      const [k, v] = pair;
      // Computed keys group the context by key; duplicate literal keys are error D1009.
      if (!plainNode(k, 'string') || typeof k.value !== 'string') return undefined;
      if (isUnsafeKey(k.value) || keys.includes(k.value)) return undefined;
      const c = this.compile(v);
      if (!c) return undefined;
      keys.push(k.value);
      values.push(c);
    }
    return (ctx, env) => {
      // Over an array context the constructor groups its items; not modelled.
      if (Array.isArray(ctx)) stop();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = (values[i] as Eval)(ctx, env);
        if (v !== undefined) out[keys[i] as string] = v;
      }
      return out;
    };
  }

  private condition(node: Ast): Eval | undefined {
    if (!node.condition || !node.then) return undefined;
    const c = this.compile(node.condition);
    const t = this.compile(node.then);
    const e = node.else === undefined ? () => undefined : this.compile(node.else);
    if (!c || !t || !e) return undefined;
    return (ctx, env) => (truthy(c(ctx, env)) ? t(ctx, env) : e(ctx, env));
  }

  private call(node: Ast): Eval | undefined {
    const proc = node.procedure;
    const args = node.arguments;
    if (node.value !== '(' || !proc || !plainNode(proc, 'variable') || typeof proc.value !== 'string' || !args) return undefined;
    const builtin = BUILTINS.get(proc.value);
    if (!builtin || args.length < builtin.minArgs || args.length > builtin.maxArgs) return undefined;
    const compiled: Eval[] = [];
    for (const a of args) {
      const c = this.compile(a);
      if (!c) return undefined;
      compiled.push(c);
    }
    this.calledBuiltins.add(proc.value);
    const count = compiled.length;
    const [a0, a1, a2] = compiled as [Eval, Eval | undefined, Eval | undefined];
    switch (count) {
      case 1:
        return (ctx, env) => builtin.call(a0(ctx, env), undefined, undefined, 1);
      case 2:
        return (ctx, env) => builtin.call(a0(ctx, env), (a1 as Eval)(ctx, env), undefined, 2);
      default:
        return (ctx, env) => builtin.call(a0(ctx, env), (a1 as Eval)(ctx, env), (a2 as Eval)(ctx, env), 3);
    }
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A name step on one (non-array) item: own properties of objects only, as JSONata's lookup. */
function lookup(item: unknown, key: string): unknown {
  if (item === null || typeof item !== 'object') return undefined;
  if (!hasOwn.call(item, key)) return undefined;
  const o = item as Record<string, unknown>;
  if (o._jsonata_function === true || o._jsonata_lambda === true) return undefined;
  const v = o[key];
  if (typeof v === 'function') stop();
  return v;
}

/** Longest chain of nested nodes: JSONata's evaluation depth grows by one per level. */
function height(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((m: number, n) => Math.max(m, height(n)), 0);
  if (node === null || typeof node !== 'object') return 0;
  let max = 0;
  for (const v of Object.values(node)) if (v !== null && typeof v === 'object') max = Math.max(max, height(v));
  return ((node as { type?: unknown }).type === undefined ? 0 : 1) + max;
}

/**
 * Compiles `source` for the fast path, or returns undefined when it uses anything outside the
 * supported subset (or does not parse: JSONata reports that itself).
 */
export function compileFast(source: string, options: FastOptions = {}): FastExpression | undefined {
  let ast: Ast;
  try {
    ast = jsonata(source).ast() as unknown as Ast;
  } catch {
    return undefined;
  }
  // Twice the height leaves room for the frames JSONata adds around paths and calls.
  if (options.maxDepth !== undefined && height(ast) * 2 + 2 > options.maxDepth) return undefined;
  const compiler = new Compiler(options.maxSequence ?? Number.POSITIVE_INFINITY);
  const root = compiler.compile(ast);
  if (!root) return undefined;
  const shadowable = [...compiler.calledBuiltins];
  return (input, bindings) => {
    // JSONata wraps an array input in a sequence whose lookup rules are not modelled.
    if (Array.isArray(input)) return BAIL;
    if (bindings !== undefined) {
      for (const name of shadowable) if (isEnumerableOwn.call(bindings, name)) return BAIL;
    }
    try {
      return root(input, { root: input, bindings });
    } catch {
      // STOP marks input outside the modelled ground; anything else thrown (a getter, a value
      // JSON cannot hold) is equally left to JSONata.
      return BAIL;
    }
  };
}
