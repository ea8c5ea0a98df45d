/**
 * Stage 4: every JSONata expression compiles. A syntax error's offset inside the expression is
 * mapped to the line and column of the file, block scalars included.
 */
import jsonata from 'jsonata';
import { isScalar, Scalar } from 'yaml';
import { collectMarked } from '../schema/walk.js';
import { formatPath } from '../diagnostics.js';
import { scalarAt } from '../yaml/locate.js';
import type { ParsedFile } from '../yaml/parse.js';
import { schemaFor } from './schemaStage.js';
import type { LoadedFile, Reporter } from './context.js';

interface JsonataError {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

/** Source offset of character `index` of a scalar's value. */
export function scalarOffset(parsed: ParsedFile, node: Scalar, index: number): number {
  const start = node.range?.[0] ?? 0;
  const value = String(node.value);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    // Content begins on the line after the `|` / `>` header; each value line maps to one source line.
    const text = parsed.text;
    let lineStart = text.indexOf('\n', start) + 1;
    let remaining = index;
    const lines = value.split('\n');
    for (let i = 0; i < lines.length; i++) {
      // Skip blank source lines the block keeps as empty value lines.
      const lineEnd = text.indexOf('\n', lineStart);
      const sourceLine = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
      const indent = sourceLine.length - sourceLine.trimStart().length;
      const len = (lines[i] as string).length;
      if (remaining <= len) return lineStart + indent + remaining;
      remaining -= len + 1;
      if (lineEnd === -1) break;
      lineStart = lineEnd + 1;
    }
    return start;
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  return start + (quoted ? 1 : 0) + index;
}

function positionOf(err: JsonataError, expression: string): number {
  // JSONata reports the offset just past the offending token; point at the token itself.
  const pos = typeof err.position === 'number' ? err.position : 0;
  const tokenLength = typeof err.token === 'string' ? err.token.length : 1;
  return Math.max(0, Math.min(expression.length, pos - tokenLength));
}

export function runJsonataStage(file: LoadedFile, reporter: Reporter): void {
  for (const m of collectMarked(schemaFor(file.kind), file.doc, 'x-jsonata')) {
    if (typeof m.value !== 'string') continue;
    try {
      jsonata(m.value);
    } catch (e) {
      const err = e as JsonataError;
      const node = scalarAt(file.parsed, m.path);
      const index = positionOf(err, m.value);
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
