/**
 * Requests per second each vendor simulator serves on loopback (goal ≥ 5,000/s): the simulator
 * runs in a process of its own with its rate limits lifted, and a load loop here keeps a fixed
 * number of keep-alive requests in flight on a typical read (one record by id), for a bounded time
 * after a warm-up. `BENCH_SIM_SECONDS` (default 5) and `BENCH_SIM_CONCURRENCY` (default 16).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { atLeast, type BenchResult } from './result.js';
import { runIfMain } from './print.js';

const VENDORS = ['hubspot', 'pipedrive', 'salesforce'] as const;
type Vendor = (typeof VENDORS)[number];

/** What the load loop requests: a path and its headers. */
interface LoadSpec {
  url: string;
  path: string;
  headers: Record<string, string>;
}

const UNLIMITED = 1e12;

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.json();
}

/** Starts a simulator in this process and returns what to load it with. */
async function serve(vendor: Vendor): Promise<LoadSpec> {
  if (vendor === 'hubspot') {
    const { startHubspotSimulator, HUBSPOT_SIM_PRIVATE_APP_TOKEN } = await import('../simulators/hubspot/index.js');
    const sim = await startHubspotSimulator({ limits: { tenSecond: UNLIMITED, daily: UNLIMITED, searchPerSecond: UNLIMITED } });
    const headers = { authorization: `Bearer ${HUBSPOT_SIM_PRIVATE_APP_TOKEN}` };
    const list = (await getJson(`${sim.url}/crm/v3/objects/companies?limit=1`, headers)) as { results: Array<{ id: string }> };
    return { url: sim.url, path: `/crm/v3/objects/companies/${list.results[0]?.id}?properties=name,domain`, headers };
  }
  if (vendor === 'pipedrive') {
    const { startPipedriveSimulator } = await import('../simulators/pipedrive/index.js');
    const sim = await startPipedriveSimulator({ config: { burstLimit: { apiToken: UNLIMITED, oauth: UNLIMITED }, searchLimit: UNLIMITED, dailyTokenBudget: UNLIMITED } });
    const headers = { 'x-api-token': sim.apiToken };
    const list = (await getJson(`${sim.url}/api/v2/organizations?limit=1`, headers)) as { data: Array<{ id: number }> };
    return { url: sim.url, path: `/api/v2/organizations/${list.data[0]?.id}`, headers };
  }
  const { startSalesforceSimulator } = await import('../simulators/salesforce/index.js');
  const sim = await startSalesforceSimulator({ config: { dailyApiRequestLimit: UNLIMITED } });
  const headers = { authorization: `Bearer ${sim.issueAccessToken()}` };
  const version = sim.config.apiVersions[sim.config.apiVersions.length - 1] as string;
  const q = (await getJson(`${sim.url}/services/data/v${version}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`, headers)) as { records: Array<{ Id: string }> };
  return { url: sim.url, path: `/services/data/v${version}/sobjects/Account/${q.records[0]?.Id}`, headers };
}

/** Keeps `concurrency` requests in flight until `ms` has passed; returns completed requests. */
async function load(spec: LoadSpec, concurrency: number, ms: number): Promise<{ ok: number; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(spec.path, spec.url);
  const end = performance.now() + ms;
  let ok = 0;
  let failed = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.get(url, { agent, headers: spec.headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode === 200) ok++;
          else failed++;
          resolve();
        });
      });
      req.on('error', reject);
    });
  const worker = async (): Promise<void> => {
    while (performance.now() < end) await one();
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { ok, failed };
}

/** User + system CPU of a process so far (Linux /proc; clock ticks are 1/100 s). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(vendor: Vendor, seconds: number, concurrency: number): Promise<BenchResult> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', vendor], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const spec = await new Promise<LoadSpec>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the ${vendor} simulator exited (${code})`)));
      child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as LoadSpec));
    });
    await load(spec, concurrency, 1000);
    const cpuBefore = processCpuSeconds(child.pid as number);
    const { ok, failed } = await load(spec, concurrency, seconds * 1000);
    const cpu = processCpuSeconds(child.pid as number) - cpuBefore;
    const rate = ok / seconds;
    return atLeast(`${vendor} simulator, GET one record`, rate, 'requests/s', 5000, `${concurrency} in flight, ${seconds} s; ${(ok / cpu).toFixed(0)} per CPU-second of the simulator${failed ? `; ${failed} non-200` : ''}`);
  } finally {
    child.removeAllListeners('exit');
    child.kill();
  }
}

export async function run(): Promise<BenchResult[]> {
  const seconds = Number(process.env.BENCH_SIM_SECONDS) || 5;
  const concurrency = Number(process.env.BENCH_SIM_CONCURRENCY) || 16;
  const results: BenchResult[] = [];
  for (const v of VENDORS) results.push(await measure(v, seconds, concurrency));
  return results;
}

const entry = process.argv[1];
if (entry && pathToFileURL(entry).href === import.meta.url && process.argv[2] === '--serve') {
  void serve(process.argv[3] as Vendor).then((spec) => process.stdout.write(`${JSON.stringify(spec)}\n`));
} else {
  runIfMain(import.meta.url, run);
}
