/**
 * Stage 4: every JSONata expression compiles. A syntax error's offset inside the expression is
 * mapped to the line and column of the file — plain, quoted (escapes included) and block scalars.
 */
import { createRequire } from 'node:module';
import { isScalar, Scalar } from 'yaml';
import { collectMarked } from '../schema/walk.js';
import { formatPath } from '../diagnostics.js';
import { scalarAt } from '../yaml/locate.js';
import type { ParsedFile } from '../yaml/parse.js';
import { schemaFor } from './schemaStage.js';
import type { LoadedFile, Reporter } from './context.js';

// jsonata is one 200 KB CommonJS file: imported from ESM, Node first scans it for named exports
// (~80 ms of every `syncd validate`); required, it is just loaded.
const jsonata = createRequire(import.meta.url)('jsonata') as typeof import('jsonata');

interface JsonataError {
  code?: string;
  position?: number;
  token?: unknown;
  message?: string;
}

/** Length of the escape sequence starting at `at` (a backslash) in a double-quoted scalar. */
function escapeLength(text: string, at: number): number {
  const c = text[at + 1];
  if (c === 'x') return 4;
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}

/**
 * Source offset of character `index` of a scalar's value. The value is the source with
 * indentation, line folding, quote doubling and escapes removed, so the value's characters appear
 * in the source in order: walk both, skipping source characters the value does not have.
 */
export function scalarOffset(parsed: ParsedFile, node: Scalar, index: number): number {
  const text = parsed.text;
  const [start, end] = [node.range?.[0] ?? 0, node.range?.[1] ?? text.length];
  const value = String(node.value);
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  const doubleQuoted = node.type === Scalar.QUOTE_DOUBLE;
  // Block content starts on the line after the `|` / `>` header; quoted content after the quote.
  let j = block ? text.indexOf('\n', start) + 1 : start + (doubleQuoted || node.type === Scalar.QUOTE_SINGLE ? 1 : 0);
  if (block && j === 0) return start;
  let i = 0;
  let after = j;
  while (j < end) {
    if (doubleQuoted && text[j] === '\\') {
      const next = text[j + 1];
      if (next === '\n' || next === '\r') {
        // An escaped line break joins the lines and yields no character.
        j += next === '\r' && text[j + 2] === '\n' ? 3 : 2;
        while (text[j] === ' ' || text[j] === '\t') j++;
        continue;
      }
      if (i === index) return j;
      j += escapeLength(text, j);
      i++;
      after = j;
      continue;
    }
    if (text[j] === value[i]) {
      if (i === index) return j;
      i++;
      after = j + 1;
    }
    j++;
  }
  // The end of the value (an error at the end of the expression): just past its last character.
  return i >= index ? after : start;
}

/** Where an unterminated string, quoted name or comment begins (the tokenizer reports the end). */
function unterminatedStart(expression: string): number | undefined {
  let open: number | undefined;
  let close = '';
  for (let k = 0; k < expression.length; k++) {
    const c = expression[k] as string;
    if (open !== undefined) {
      if (c === '\\' && close !== '`' && close !== '*/') k++;
      else if (close === '*/' ? expression.startsWith('*/', k) : c === close) {
        if (close === '*/') k++;
        open = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'" || c === '`') [open, close] = [k, c];
    else if (expression.startsWith('/*', k)) [open, close] = [k, '*/'];
  }
  return open;
}

/** Index in the expression of the token JSONata complains about (it reports the offset just past it). */
export function errorIndex(err: JsonataError, expression: string): number {
  const end = expression.trimEnd().length;
  const pos = Math.min(typeof err.position === 'number' ? err.position : 0, expression.length);
  const token = err.token;
  if (token === '(end)') return end;
  if (token === undefined) {
    // Tokenizer errors: point at what was left open, or where the tokenizer stopped.
    if (err.code === 'S0101' || err.code === 'S0105') return unterminatedStart(expression) ?? pos;
    if (err.code === 'S0302') return Math.max(0, expression.lastIndexOf('/', pos - 1));
    return Math.min(pos, end);
  }
  const before = expression[pos - 1];
  if (typeof token === 'string' && (before === '"' || before === "'" || before === '`')) {
    // A string literal or quoted name: its source is longer than its value (quotes, escapes).
    let k = pos - 2;
    while (k >= 0 && !(expression[k] === before && expression[k - 1] !== '\\')) k--;
    return Math.max(0, k);
  }
  if (typeof token === 'number') {
    const m = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.exec(expression.slice(0, pos));
    return m ? m.index : Math.max(0, pos - 1);
  }
  let start = Math.max(0, pos - String(token).length);
  // Variables are reported without their `$`.
  if (typeof token === 'string' && /^\w*$/.test(token) && expression[start - 1] === '$') start--;
  return start;
}

export function runJsonataStage(file: LoadedFile, reporter: Reporter): void {
  for (const m of collectMarked(schemaFor(file.kind), file.doc, 'x-jsonata')) {
    if (typeof m.value !== 'string') continue;
    try {
      jsonata(m.value);
    } catch (e) {
      const err = e as JsonataError;
      const node = scalarAt(file.parsed, m.path);
      const index = errorIndex(err, m.value);
      const offset = node && isScalar(node) ? scalarOffset(file.parsed, node as Scalar, index) : 0;
      const pos = file.parsed.lineCounter.linePos(offset);
      reporter.raw({
        file: file.parsed.file,
        line: pos.line,
        col: pos.col,
        severity: 'error',
        code: 'jsonata-syntax',
        message: `JSONata does not compile: ${err.message ?? String(e)}${err.code ? ` (${err.code})` : ''}`,
        path: formatPath(m.path),
      });
    }
  }
}
