/**
 * Following pages of a list or search. Each style (cursor, next URL, offset, none) is a small
 * state machine that says what the next request adds; pages are fetched one at a time as the
 * consumer pulls, so memory stays at one page whatever the size of the listing.
 */
import type { PaginationSpec } from '../spec/types.js';
import { ConnectorError } from './errors.js';
import { compileExpression, type CompiledExpression, type ExpressionLimits } from './expression.js';

export interface CompiledPagination {
  spec: PaginationSpec;
  next?: CompiledExpression;
  done?: CompiledExpression;
  more?: CompiledExpression;
}

export function compilePagination(spec: PaginationSpec | undefined, limits?: ExpressionLimits): CompiledPagination | undefined {
  if (!spec || spec.type === 'none') return undefined;
  const p: CompiledPagination = { spec };
  if (spec.type === 'cursor' || spec.type === 'nextUrl') p.next = compileExpression(spec.next, limits);
  if (spec.type === 'nextUrl' && spec.done) p.done = compileExpression(spec.done, limits);
  if (spec.type === 'offset' && spec.more) p.more = compileExpression(spec.more, limits);
  return p;
}

/** What a page request adds to the operation's own request. */
export interface PageRequest {
  /** Extra query parameters. */
  query: Record<string, string | number>;
  /** Extra top-level fields of the request body (or tool arguments). */
  body: Record<string, string | number>;
  /** Absolute URL of the page, replacing the operation's path (next-URL pagination). */
  url?: string;
}

export interface FetchedPage {
  body: unknown;
  records: unknown[];
  /** URL that answered, for relative links. */
  url: string;
}

function put(req: PageRequest, where: 'query' | 'body', name: string, value: string | number): void {
  req[where][name] = value;
}

function present(v: unknown): v is string | number {
  return (typeof v === 'string' && v !== '') || typeof v === 'number';
}

/** Yields the wire records of each page. `label` names the operation in errors. */
export async function* paginate(p: CompiledPagination | undefined, label: string, fetchPage: (req: PageRequest) => Promise<FetchedPage>): AsyncGenerator<unknown[]> {
  const first: PageRequest = { query: {}, body: {} };
  if (!p) {
    yield (await fetchPage(first)).records;
    return;
  }
  const spec = p.spec;
  if (spec.type === 'cursor') {
    const where = spec.in ?? 'query';
    const seen = new Set<string>();
    let cursor: string | number | undefined;
    for (;;) {
      const req: PageRequest = { query: {}, body: {} };
      if (spec.limitParam && spec.pageSize) put(req, where, spec.limitParam, spec.pageSize);
      if (cursor !== undefined) put(req, where, spec.param, cursor);
      const page = await fetchPage(req);
      yield page.records;
      const next = await (p.next as CompiledExpression).evaluate(page.body);
      if (!present(next) || page.records.length === 0) return;
      const key = String(next);
      if (seen.has(key)) throw new ConnectorError(`${label}: the vendor returned the same page cursor twice`, { class: 'mapping', code: 'pagination_loop', operation: label });
      seen.add(key);
      cursor = next;
    }
  }
  if (spec.type === 'nextUrl') {
    let req: PageRequest = first;
    const seen = new Set<string>();
    for (;;) {
      const page = await fetchPage(req);
      yield page.records;
      if (p.done && (await p.done.evaluate(page.body)) === true) return;
      const next = await (p.next as CompiledExpression).evaluate(page.body);
      if (!present(next)) return;
      const url = new URL(String(next), page.url).href;
      if (seen.has(url)) throw new ConnectorError(`${label}: the vendor linked the same page twice`, { class: 'mapping', code: 'pagination_loop', operation: label });
      seen.add(url);
      req = { query: {}, body: {}, url };
    }
  }
  if (spec.type === 'offset') {
    let offset = 0;
    for (;;) {
      const req: PageRequest = { query: {}, body: {} };
      req.query[spec.param] = offset;
      req.query[spec.limitParam] = spec.pageSize;
      const page = await fetchPage(req);
      yield page.records;
      offset += page.records.length;
      const more = p.more ? (await p.more.evaluate(page.body)) === true : page.records.length >= spec.pageSize;
      if (!more || page.records.length === 0) return;
    }
  }
}
