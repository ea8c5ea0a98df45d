/**
 * SOQL resources: `/query?q=` (and `/queryAll`, which also returns deleted rows) answer the first
 * batch; when more remain, `nextRecordsUrl` (`/query/<locator>-<offset>`) serves the next one.
 * `Sforce-Query-Options: batchSize=N` sets the batch size.
 */
import { apiError, malformedQuery } from '../errors.js';
import type { Cursor } from '../soql/cursors.js';
import { runQuery } from '../soql/compile.js';
import { attributes } from './records.js';
import type { ApiRouter } from './router.js';
import type { ApiContext, ApiRequest, ApiResult } from './types.js';

const MIN_BATCH = 200;
const MAX_BATCH = 2000;

/**
 * Salesforce documents batch sizes from 200 to 2,000 and treats the value as a hint.
 * UNCONFIRMED: values outside that range are clamped here rather than rejected.
 */
function batchSize(req: ApiRequest, fallback: number): number {
  const header = req.headers['sforce-query-options'];
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  const n = m ? Number(m[1]) : fallback;
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, n));
}

function batch(req: ApiRequest, ctx: ApiContext, cursor: Cursor, offset: number): ApiResult {
  const size = batchSize(req, ctx.org.config.queryBatchSize);
  const slice = cursor.rows.slice(offset, offset + size);
  const { def, project } = cursor;
  const records = slice.map((r) => ({ attributes: attributes(req.version, def, r.Id), ...project(r, req.version) }));
  const next = offset + slice.length;
  const done = next >= cursor.rows.length;
  if (done) ctx.org.cursors.close(cursor.locator);
  else ctx.org.cursors.add(cursor);
  return {
    status: 200,
    body: {
      totalSize: cursor.rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${req.version}/query/${cursor.locator}-${next}` }),
      records,
    },
  };
}

function runSoql(req: ApiRequest, ctx: ApiContext, includeDeleted: boolean): ApiResult {
  const soql = req.query.q;
  if (soql === undefined || soql.trim() === '') throw malformedQuery('A query string has to be specified');
  const q = ctx.queries.get(soql, ctx.org.store);
  const rows = runQuery(q, includeDeleted);
  if (q.count) return { status: 200, body: { totalSize: rows.length, done: true, records: [] } };
  const cursor: Cursor = { locator: ctx.org.newQueryLocator(), def: q.table.def, project: q.project, rows };
  return batch(req, ctx, cursor, 0);
}

function more(req: ApiRequest, ctx: ApiContext, raw: string): ApiResult {
  const dash = raw.lastIndexOf('-');
  const cursor = dash > 0 ? ctx.org.cursors.get(raw.slice(0, dash)) : undefined;
  const offset = dash > 0 ? Number(raw.slice(dash + 1)) : NaN;
  if (!cursor || !Number.isInteger(offset) || offset < 0 || offset >= cursor.rows.length) {
    throw apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  }
  return batch(req, ctx, cursor, offset);
}

export function registerQueryRoutes(router: ApiRouter): void {
  router.add('GET', 'query', (req, _p, ctx) => runSoql(req, ctx, false), 'query');
  router.add('GET', 'queryAll', (req, _p, ctx) => runSoql(req, ctx, true), 'query');
  router.add('GET', 'query/:locator', (req, p, ctx) => more(req, ctx, p.locator as string), 'query');
  router.add('GET', 'queryAll/:locator', (req, p, ctx) => more(req, ctx, p.locator as string), 'query');
}
