/**
 * SOQL tokens. Datetime and date literals are single tokens because SOQL writes them unquoted
 * (`WHERE SystemModstamp > 2026-01-01T00:00:00Z`).
 */
import { malformedQuery } from '../errors.js';
import { soqlError } from './errors.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'datetime' | 'date' | 'op' | '(' | ')' | ',' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (identifiers keep their case; compare keywords with `upper`). */
  text: string;
  upper: string;
  /** Decoded value of string literals. */
  value?: string;
  pos: number;
}

const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![\dT:])/y;
const NUMBER = /[+-]?\d+(?:\.\d+)?(?![\w])/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_.]*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '%': '\\%', _: '\\_' };

function sticky(re: RegExp, src: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(src);
  return m ? m[0] : undefined;
}

export function tokenize(soql: string): Token[] {
  if (soql.trim() === '') throw malformedQuery('A query string has to be specified');
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, pos: number, value?: string): void => {
    tokens.push({ kind, text, upper: text.toUpperCase(), pos, ...(value !== undefined ? { value } : {}) });
  };
  while (i < soql.length) {
    const ch = soql[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= soql.length) throw soqlError(soql, start, 'MALFORMED_QUERY', 'unterminated string literal');
        const c = soql[i] as string;
        if (c === '\\') {
          const next = soql[i + 1] ?? '';
          const decoded = ESCAPES[next];
          if (decoded === undefined) throw soqlError(soql, i, 'MALFORMED_QUERY', `Invalid string literal '${soql.slice(start + 1, i + 2)}'. Illegal character sequence '\\${next}' in string literal.`);
          value += decoded;
          i += 2;
          continue;
        }
        if (c === "'") break;
        value += c;
        i++;
      }
      i++;
      push('string', soql.slice(start, i), start, value);
      continue;
    }
    if (/[0-9+-]/.test(ch)) {
      const dt = sticky(DATETIME, soql, i) ?? sticky(DATE, soql, i);
      if (dt) {
        push(dt.includes('T') ? 'datetime' : 'date', dt, i);
        i += dt.length;
        continue;
      }
      const num = sticky(NUMBER, soql, i);
      if (num) {
        push('number', num, i);
        i += num.length;
        continue;
      }
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      push(ch, ch, i);
      i++;
      continue;
    }
    const op = ['<=', '>=', '!=', '<>', '=', '<', '>'].find((o) => soql.startsWith(o, i));
    if (op) {
      push('op', op, i);
      i += op.length;
      continue;
    }
    const ident = sticky(IDENT, soql, i);
    if (ident) {
      push('ident', ident, i);
      i += ident.length;
      continue;
    }
    throw soqlError(soql, i, 'MALFORMED_QUERY', `unexpected token: '${ch}'`);
  }
  push('eof', '', soql.length);
  return tokens;
}
