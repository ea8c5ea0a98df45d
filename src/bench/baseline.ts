/**
 * The baseline the engine is compared with: the same sync as a plain hand-written script would do
 * it — read the rows page by page, map the fields, POST batches over a keep-alive connection with a
 * few requests in flight — with no state, no outbox, no idempotency, no audit and no retries.
 */
import http from 'node:http';
import Database from 'better-sqlite3';
import { BENCH_API_KEY } from './project.js';

interface Row {
  id: string;
  name: string;
  email: string;
  website: string;
  employees: number;
  plan: string;
  updated_at: string;
}

export interface BaselineOptions {
  sourceDb: string;
  targetUrl: string;
  /** Records per request. Default: 100. */
  batchSize?: number;
  /** Requests in flight. Default: 4. */
  concurrency?: number;
  pageSize?: number;
}

/** Returns the number of records written and the seconds it took. */
export async function runBaseline(opts: BaselineOptions): Promise<{ records: number; seconds: number }> {
  const batchSize = opts.batchSize ?? 100;
  const concurrency = opts.concurrency ?? 4;
  const pageSize = opts.pageSize ?? 1000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL('/accounts/batch/upsert', opts.targetUrl);
  const db = new Database(opts.sourceDb, { readonly: true });
  const page = db.prepare('select id, name, email, website, employees, plan, updated_at from accounts where updated_at > ? or (updated_at = ? and id > ?) order by updated_at, id limit ?');

  const post = (rows: Row[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        inputs: rows.map((r) => ({
          id: r.id,
          idProperty: 'external_id',
          properties: { external_id: r.id, name: r.name, email: r.email, domain: r.website.replace(/^https?:\/\//, '').toLowerCase(), employees: r.employees },
        })),
      });
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': BENCH_API_KEY } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`target answered ${res.statusCode}`));
          resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { results: unknown[] }).results.length);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const started = performance.now();
  let written = 0;
  try {
    let after = { value: '', key: '' };
    for (;;) {
      const rows = page.all(after.value, after.value, after.key, pageSize) as Row[];
      if (rows.length === 0) break;
      const batches: Row[][] = [];
      for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < batches.length) {
          const n = await post(batches[next++] as Row[]);
          written += n;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const last = rows[rows.length - 1] as Row;
      after = { value: last.updated_at, key: last.id };
    }
  } finally {
    db.close();
    agent.destroy();
  }
  return { records: written, seconds: (performance.now() - started) / 1000 };
}
