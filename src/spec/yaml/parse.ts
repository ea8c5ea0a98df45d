/**
 * Reads one spec file into a YAML document with positions. Everything a user can get wrong here
 * becomes a Diagnostic; nothing throws.
 */
import { readFile, stat } from 'node:fs/promises';
import { LineCounter, parseAllDocuments, isAlias, isScalar, visit, type Document } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '../diagnostics.js';

/** Spec files are small; a file past this is almost surely a mistake (or an attack). */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;
/** Aliases expanded at most this many times; an alias bomb is rejected, not expanded. */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data. */
  value: unknown;
}

export type ParseResult = { ok: true; parsed: ParsedFile } | { ok: false; diagnostics: Diagnostic[] };

function fileDiag(file: string, code: DiagnosticCode, message: string, line = 1, col = 1, hint?: string): Diagnostic {
  return { file, line, col, severity: 'error', code, message, path: '', ...(hint ? { hint } : {}) };
}

export async function readSpecFile(file: string): Promise<ParseResult> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) return { ok: false, diagnostics: [fileDiag(file, 'file-unreadable', 'not a regular file')] };
    size = st.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, diagnostics: [fileDiag(file, 'file-unreadable', code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? 'unknown error'})`)] };
  }
  if (size > MAX_SPEC_FILE_BYTES) {
    return {
      ok: false,
      diagnostics: [
        fileDiag(file, 'file-too-large', `the file is ${(size / 1024 / 1024).toFixed(1)} MB; spec files may be at most ${MAX_SPEC_FILE_BYTES / 1024 / 1024} MB`, 1, 1, 'split it into several files, or move data out of the spec'),
      ],
    };
  }
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    return { ok: false, diagnostics: [fileDiag(file, 'file-unreadable', `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`)] };
  }
  return parseSpecText(file, buf);
}

function firstInvalidUtf8(buf: Buffer): number {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  const at = text.indexOf('\uFFFD');
  return at;
}

export function parseSpecText(file: string, input: Buffer | string): ParseResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input.includes(0)) {
      return { ok: false, diagnostics: [fileDiag(file, 'file-not-text', 'the file holds binary data (a NUL byte), not YAML text')] };
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      const at = firstInvalidUtf8(input);
      // The parser registers each line start itself, the first included; by hand, so do we.
      const lc = new LineCounter();
      lc.addNewLine(0);
      const decoded = new TextDecoder().decode(input);
      for (let i = 0; i < decoded.length; i++) if (decoded[i] === '\n') lc.addNewLine(i + 1);
      const pos = lc.linePos(Math.max(0, at));
      return { ok: false, diagnostics: [fileDiag(file, 'file-not-text', 'the file is not valid UTF-8 text', pos.line, pos.col)] };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const list = Array.isArray(docs) ? docs : [];
  const nonEmpty = list.filter((d) => d.contents !== null || d.errors.length > 0);
  if (nonEmpty.length === 0) {
    return { ok: false, diagnostics: [fileDiag(file, 'file-empty', 'the file holds no YAML document', 1, 1, 'a spec file starts with `apiVersion: syncd.dev/v1` and `kind: Connector` or `kind: Pipeline`')] };
  }

  const diagnostics: Diagnostic[] = [];
  for (const d of nonEmpty) {
    for (const e of d.errors) {
      const pos = lineCounter.linePos(e.pos[0]);
      if (e.code === 'DUPLICATE_KEY') {
        diagnostics.push({ file, line: pos.line, col: pos.col, severity: 'error', code: 'yaml-duplicate-key', message: duplicateKeyMessage(d, text, e.pos[0]), path: '' });
      } else {
        // An unclosed quote is reported where the file ends; the user needs to see where it opened.
        const quote = e.code === 'MISSING_CHAR' ? /Missing closing (["'])quote/.exec(e.message)?.[1] : undefined;
        const at = quote ? lineCounter.linePos(openingQuote(text, e.pos[0], quote)) : pos;
        diagnostics.push({ file, line: at.line, col: at.col, severity: 'error', code: 'yaml-syntax', message: quote ? `this ${quote === '"' ? 'double' : 'single'}-quoted string is never closed` : cleanYamlMessage(e.message), path: '', ...(quote ? { hint: QUOTE_HINT } : syntaxHint(e.code, e.message)) });
      }
    }
  }
  // After the first syntax error the parser's view of the rest is guesswork: its later errors
  // mostly repeat the first one, so only that one is reported.
  const firstSyntax = diagnostics.filter((x) => x.code === 'yaml-syntax').sort((a, b) => a.line - b.line || a.col - b.col)[0];
  if (firstSyntax) return { ok: false, diagnostics: [firstSyntax] };
  if (diagnostics.length > 0) return { ok: false, diagnostics: dedupe(diagnostics) };

  if (nonEmpty.length > 1) {
    const second = nonEmpty[1] as Document.Parsed;
    const pos = lineCounter.linePos(second.range?.[0] ?? 0);
    return {
      ok: false,
      diagnostics: [{ file, line: pos.line, col: pos.col, severity: 'error', code: 'yaml-multiple-documents', message: 'a spec file holds exactly one YAML document; this is a second one', path: '', hint: 'put each connector or pipeline in its own file' }],
    };
  }

  const doc = nonEmpty[0] as Document.Parsed;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      let offset = 0;
      visit(doc, {
        Alias(_key, node) {
          offset = node.range?.[0] ?? 0;
          return visit.BREAK;
        },
      });
      const pos = lineCounter.linePos(offset);
      return {
        ok: false,
        diagnostics: [{ file, line: pos.line, col: pos.col, severity: 'error', code: 'yaml-alias-limit', message: `aliases would expand more than ${MAX_ALIAS_COUNT} times; refusing to expand (this is how an "alias bomb" exhausts memory)`, path: '' }],
      };
    }
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, diagnostics: [fileDiag(file, 'yaml-syntax', cleanYamlMessage(msg))] };
  }
  return { ok: true, parsed: { file, text, doc, lineCounter, value } };
}

function duplicateKeyMessage(doc: Document.Parsed, text: string, offset: number): string {
  let key: string | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const k = pair.key as { range?: [number, number, number]; source?: string; value?: unknown } | null;
      if (k?.range?.[0] === offset) {
        key = isScalar(k) ? String(k.value) : text.slice(k.range[0], k.range[1]);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key !== undefined ? `the key \`${key}\` appears twice in this mapping` : 'a key appears twice in this mapping';
}

const QUOTE_HINT = 'close it with the same quote; inside double quotes write `\\"` for a quote, inside single quotes `\'\'`';

/** The quote that opened a string still open at `end`: the last one not escaped (or doubled, in single quotes). */
function openingQuote(text: string, end: number, quote: string): number {
  for (let k = Math.min(end, text.length) - 1; k >= 0; k--) {
    if (text[k] !== quote) continue;
    if (quote === "'" && text[k - 1] === "'") {
      k--;
      continue;
    }
    if (quote === '"' && text[k - 1] === '\\') continue;
    return k;
  }
  return end;
}

/** What to do about the syntax errors people make most in spec files. */
function syntaxHint(code: string, message: string): { hint: string } | Record<string, never> {
  if (/end with a [}\]]/.test(message)) return { hint: 'a `{` or `[` opened above is not closed' };
  const hints: Record<string, string> = {
    TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
    BAD_INDENT: 'fields of one mapping are indented by the same number of spaces',
    BLOCK_AS_IMPLICIT_KEY: 'the next line is indented deeper than its siblings, so it reads as part of this value; align it with the fields beside it',
    MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; a long value can go on the next lines after `key: >-`',
    UNEXPECTED_TOKEN: 'spec files are YAML: `key: value` lines, nested by indentation',
  };
  const hint = hints[code];
  return hint ? { hint } : {};
}

/** The yaml library's messages sometimes carry its own position suffix; ours is in the diagnostic. */
function cleanYamlMessage(msg: string): string {
  return msg.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.line}:${d.col}:${d.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { isAlias };
