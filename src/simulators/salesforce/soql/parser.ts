/**
 * The SOQL subset that record sync needs: a field list (or COUNT()), one object, a WHERE clause of
 * comparisons, IN and LIKE joined by AND/OR/NOT with parentheses, ORDER BY, LIMIT and OFFSET.
 * As in Salesforce, AND and OR cannot be mixed at one level without parentheses.
 */
import { soqlError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

export type Literal =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'datetime'; text: string; pos: number }
  | { kind: 'date'; text: string; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number };

export interface FieldRef {
  name: string;
  pos: number;
}

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { type: 'cmp'; field: FieldRef; op: ComparisonOp; literal: Literal }
  | { type: 'in'; field: FieldRef; not: boolean; literals: Literal[] }
  | { type: 'like'; field: FieldRef; pattern: Literal }
  | { type: 'and' | 'or'; items: Condition[] }
  | { type: 'not'; item: Condition };

export interface OrderItem {
  field: FieldRef;
  desc: boolean;
  /** Explicit NULLS FIRST / NULLS LAST. */
  nullsFirst?: boolean;
}

export interface SelectQuery {
  count: boolean;
  fields: FieldRef[];
  from: FieldRef;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'NULL', 'TRUE', 'FALSE', 'GROUP', 'HAVING']);

class Parser {
  private i = 0;
  constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    return this.tokens[this.i++] as Token;
  }

  private unexpected(t: Token = this.peek()): never {
    throw soqlError(this.soql, t.pos, 'MALFORMED_QUERY', t.kind === 'eof' ? 'unexpected token: <EOF>' : `unexpected token: '${t.text}'`);
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.upper === word;
  }

  private keyword(word: string): Token {
    if (!this.isKeyword(word)) this.unexpected();
    return this.next();
  }

  private accept(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }

  private fieldRef(): FieldRef {
    const t = this.peek();
    if (t.kind !== 'ident' || RESERVED.has(t.upper)) this.unexpected();
    this.i++;
    return { name: t.text, pos: t.pos };
  }

  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.unexpected(t);
    return Number(t.text);
  }

  parse(): SelectQuery {
    this.keyword('SELECT');
    let count = false;
    const fields: FieldRef[] = [];
    if (this.isKeyword('COUNT') && this.tokens[this.i + 1]?.kind === '(') {
      this.i += 2;
      if (this.next().kind !== ')') this.unexpected(this.tokens[this.i - 1]);
      count = true;
    } else {
      fields.push(this.fieldRef());
      while (this.peek().kind === ',') {
        this.i++;
        fields.push(this.fieldRef());
      }
    }
    this.keyword('FROM');
    const from = this.fieldRef();
    const query: SelectQuery = { count, fields, from, orderBy: [] };
    if (this.accept('WHERE')) query.where = this.condition();
    if (this.accept('ORDER')) {
      this.keyword('BY');
      do {
        if (query.orderBy.length > 0) this.i++;
        const field = this.fieldRef();
        const desc = this.accept('DESC') ? true : (this.accept('ASC'), false);
        const item: OrderItem = { field, desc };
        if (this.accept('NULLS')) {
          if (this.accept('FIRST')) item.nullsFirst = true;
          else if (this.accept('LAST')) item.nullsFirst = false;
          else this.unexpected();
        }
        query.orderBy.push(item);
      } while (this.peek().kind === ',');
    }
    if (this.accept('LIMIT')) query.limit = this.integer();
    if (this.accept('OFFSET')) query.offset = this.integer();
    if (this.peek().kind !== 'eof') this.unexpected();
    return query;
  }

  private condition(): Condition {
    const first = this.unary();
    const items = [first];
    let joiner: 'AND' | 'OR' | undefined;
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const t = this.peek();
      if (joiner && t.upper !== joiner) this.unexpected(t);
      joiner = t.upper as 'AND' | 'OR';
      this.i++;
      items.push(this.unary());
    }
    if (!joiner) return first;
    return { type: joiner === 'AND' ? 'and' : 'or', items };
  }

  private unary(): Condition {
    if (this.accept('NOT')) return { type: 'not', item: this.unary() };
    if (this.peek().kind === '(') {
      this.i++;
      const inner = this.condition();
      if (this.next().kind !== ')') this.unexpected(this.tokens[this.i - 1]);
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const field = this.fieldRef();
    const t = this.peek();
    if (t.kind === 'op') {
      this.i++;
      const op = (t.text === '<>' ? '!=' : t.text) as ComparisonOp;
      return { type: 'cmp', field, op, literal: this.literal() };
    }
    if (this.accept('LIKE')) return { type: 'like', field, pattern: this.literal() };
    const not = this.accept('NOT');
    if (this.accept('IN')) {
      if (this.next().kind !== '(') this.unexpected(this.tokens[this.i - 1]);
      const literals = [this.literal()];
      while (this.peek().kind === ',') {
        this.i++;
        literals.push(this.literal());
      }
      if (this.next().kind !== ')') this.unexpected(this.tokens[this.i - 1]);
      return { type: 'in', field, not, literals };
    }
    return this.unexpected();
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value as string, pos: t.pos };
      case 'number':
        return { kind: 'number', value: Number(t.text), pos: t.pos };
      case 'datetime':
        return { kind: 'datetime', text: t.text, pos: t.pos };
      case 'date':
        return { kind: 'date', text: t.text, pos: t.pos };
      case 'ident':
        if (t.upper === 'NULL') return { kind: 'null', pos: t.pos };
        if (t.upper === 'TRUE' || t.upper === 'FALSE') return { kind: 'boolean', value: t.upper === 'TRUE', pos: t.pos };
        return this.unexpected(t);
      default:
        return this.unexpected(t);
    }
  }
}

export function parseSoql(soql: string): SelectQuery {
  return new Parser(soql, tokenize(soql)).parse();
}
