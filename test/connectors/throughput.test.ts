/**
 * The hot path: records through the client against an unthrottled local target in another
 * process. The engine's benchmark needs at least 25k records/s, so the client may spend at most
 * 40 µs of CPU per record. CPU time, not wall time, is asserted: it does not depend on what else
 * the machine is running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnectorClient } from '../../src/connectors/index.js';
import { connectorDoc, dealsObject } from './support/doc.js';

const TARGET = `
const { createServer } = require('node:http');
const PAGE = Array.from({ length: 100 }, (_, i) => ({ id: String(i), updatedAt: '2026-01-01T00:00:00.000Z', properties: { name: 'deal ' + i, amount: String(i), close_date: '2026-03-01' } }));
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let out;
    if (req.method === 'GET') {
      const after = Number(new URL(req.url, 'http://x').searchParams.get('after') || 0);
      out = { results: PAGE, paging: after < 199 ? { next: { after: String(after + 1) } } : undefined };
    } else {
      out = { status: 'COMPLETE', results: JSON.parse(Buffer.concat(chunks).toString()).inputs.map((_, i) => ({ id: String(i) })) };
    }
    res.writeHead(req.method === 'GET' ? 200 : 201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

let child: ChildProcess;
let baseUrl: string;

beforeAll(async () => {
  child = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())));
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  child.kill();
});

const client = () =>
  createConnectorClient(
    connectorDoc({
      baseUrl,
      objects: {
        deals: dealsObject(
          {
            list: { kind: 'list', path: '/deals', records: 'results', pagination: { type: 'cursor', param: 'after', next: 'paging.next.after', limitParam: 'limit', pageSize: 100 } },
            batchCreate: { kind: 'batchCreate', path: '/deals/batch/create', maxBatch: 100, body: '{"inputs": [records.{"properties": record}]}', records: 'results' },
          },
          { updatedAt: 'updatedAt' },
        ),
      },
    }),
    { connection: { id: 'bench' }, tenant: 't' },
  );

/** Records per CPU second of this process while `run` goes. */
async function perCpuSecond(records: number, run: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return records / ((used.user + used.system) / 1e6);
}

describe('throughput', () => {
  it('lists at more than 25k records per CPU second', async () => {
    const c = client();
    let n = 0;
    for (let i = 0; i < 2; i++) for await (const r of c.list('deals')) if (r.id) n++; // warm-up
    n = 0;
    const rate = await perCpuSecond(20_000, async () => {
      for await (const r of c.list('deals')) if (r.fields.amount !== undefined) n++;
    });
    expect(n).toBe(20_000);
    expect(rate).toBeGreaterThan(25_000);
  });

  it('writes in batches at more than 25k records per CPU second', async () => {
    const c = client();
    const records = Array.from({ length: 20_000 }, (_, i) => ({ fields: { name: `deal ${i}`, amount: i, closeDate: '2026-03-01' } }));
    for (let i = 0; i < 2; i++) await c.write('deals', 'batchCreate', records); // warm-up
    let ok = 0;
    const rate = await perCpuSecond(records.length, async () => {
      ok = (await c.write('deals', 'batchCreate', records)).filter((r) => r.ok).length;
    });
    expect(ok).toBe(20_000);
    expect(rate).toBeGreaterThan(25_000);
  });
});
