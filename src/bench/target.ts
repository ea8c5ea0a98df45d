/**
 * A minimal "records" API for benchmarks: `POST /<object>/batch/upsert` with
 * `{"inputs": [{"id", "properties"}]}` answers one result per input, and the server counts what it
 * accepted. Optionally it enforces N requests per fixed window like a vendor: past the limit it
 * answers 429 with `Retry-After`, and every answer carries `x-ratelimit-limit`,
 * `x-ratelimit-remaining` and `x-ratelimit-reset` (seconds until the window resets, rounded up).
 * `GET /__stats` returns the counters, `POST /__reset` clears them and forgets the records.
 *
 * It runs in its own process (`spawnTarget`) so that its CPU never competes with the engine's
 * event loop; `node dist/bench/target.js [limit windowMs]` serves on a free loopback port and
 * prints it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface TargetLimit {
  /** Requests accepted per window. */
  requests: number;
  windowMs: number;
}

export interface TargetStats {
  requests: number;
  records: number;
  /** Requests answered 429. */
  rejected: number;
  /** Accepted requests per completed window (rate-limited targets), oldest first. */
  windows: number[];
  /** Requests answered 429 per completed window, like `windows`. */
  rejectedWindows: number[];
  /** When the first window began (epoch ms). */
  windowStart: number;
}

export interface RunningTarget {
  url: string;
  stats(): Promise<TargetStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Serves the target in this process; `spawnTarget` is the one benchmarks use. */
export function serveTarget(limit?: TargetLimit): Promise<http.Server> {
  let stats: TargetStats = { requests: 0, records: 0, rejected: 0, windows: [], rejectedWindows: [], windowStart: Date.now() };
  let rejectedInWindow = 0;
  let windowIndex = 0;
  let inWindow = 0;
  let nextId = 1;
  /** Ids upserted so far: like HubSpot's batch upsert, each result says whether it created the record (`new`). */
  const seen = new Set<string>();

  const rollWindow = (now: number): void => {
    if (!limit) return;
    const index = Math.floor((now - stats.windowStart) / limit.windowMs);
    while (windowIndex < index) {
      stats.windows.push(inWindow);
      stats.rejectedWindows.push(rejectedInWindow);
      inWindow = 0;
      rejectedInWindow = 0;
      windowIndex++;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      if (url === '/__stats') {
        rollWindow(Date.now());
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(stats));
        return;
      }
      if (url === '/__reset') {
        stats = { requests: 0, records: 0, rejected: 0, windows: [], rejectedWindows: [], windowStart: Date.now() };
        rejectedInWindow = 0;
        windowIndex = 0;
        inWindow = 0;
        seen.clear();
        res.writeHead(204).end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (limit) {
        const now = Date.now();
        rollWindow(now);
        const resetMs = stats.windowStart + (windowIndex + 1) * limit.windowMs - now;
        const resetS = String(Math.max(1, Math.ceil(resetMs / 1000)));
        headers['x-ratelimit-limit'] = String(limit.requests);
        headers['x-ratelimit-reset'] = resetS;
        if (inWindow >= limit.requests) {
          stats.rejected++;
          rejectedInWindow++;
          headers['x-ratelimit-remaining'] = '0';
          headers['retry-after'] = resetS;
          res.writeHead(429, headers);
          res.end('{"error":"rate limit exceeded"}');
          return;
        }
        inWindow++;
        headers['x-ratelimit-remaining'] = String(limit.requests - inWindow);
      }
      if (req.method !== 'POST' || !url.endsWith('/batch/upsert')) {
        res.writeHead(404, headers);
        res.end('{"error":"not found"}');
        return;
      }
      let inputs: Array<{ id?: unknown }>;
      try {
        inputs = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { inputs: Array<{ id?: unknown }> }).inputs;
        if (!Array.isArray(inputs)) throw new Error('inputs is not a list');
      } catch {
        res.writeHead(400, headers);
        res.end('{"error":"the body must be {\\"inputs\\": [...]}"}');
        return;
      }
      stats.requests++;
      stats.records += inputs.length;
      const results = inputs.map((i) => {
        const id = String(i.id ?? nextId++);
        const created = !seen.has(id);
        seen.add(id);
        return { id, new: created };
      });
      res.writeHead(200, headers);
      res.end(JSON.stringify({ results }));
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Starts the target in a child process and returns once it listens. */
export async function spawnTarget(limit?: TargetLimit): Promise<RunningTarget> {
  const script = fileURLToPath(import.meta.url);
  const args = limit ? [script, String(limit.requests), String(limit.windowMs)] : [script];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bench target exited early (${code})`)));
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  child.removeAllListeners('exit');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stats: async () => (await (await fetch(`${url}/__stats`)).json()) as TargetStats,
    reset: async () => {
      await fetch(`${url}/__reset`, { method: 'POST' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

const entry = process.argv[1];
if (entry && pathToFileURL(entry).href === import.meta.url) {
  const [requests, windowMs] = process.argv.slice(2).map(Number);
  const limit = requests && windowMs ? { requests, windowMs } : undefined;
  void serveTarget(limit).then((server) => {
    const addr = server.address();
    process.stdout.write(`${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
}
