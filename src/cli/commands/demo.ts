/**
 * `syncd demo`: the Quotey → HubSpot reference scenario, end to end, with nothing to set up. It
 * starts the HubSpot simulator, creates a Quotey database with sample quotes, writes them back to
 * HubSpot deals through the real pipeline on the embedded store, lets a "CRM user" move some deals
 * to another stage, and syncs the stage back to Quotey — printing what happens at each step.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startHubspotSimulator, HUBSPOT_SIM_PRIVATE_APP_TOKEN } from '../../simulators/hubspot/index.js';
import { loadSpecs } from '../specs.js';
import { Runtime } from '../../engine/runtime.js';
import type { CommandIO } from '../io.js';

export interface DemoArgs {
  dir: string;
  quotes: number;
}

async function hubspot(url: string, method: string, p: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${HUBSPOT_SIM_PRIVATE_APP_TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

function seedQuotey(file: string, n: number): void {
  const db = new Database(file);
  db.exec(`create table quotes (id text primary key, version integer not null, title text, state text not null,
    total real, currency text, crm_ref text, deal_stage text, close_date text, updated_at text not null)`);
  const insert = db.prepare('insert into quotes values (?, ?, ?, ?, ?, ?, null, null, null, ?)');
  const states = ['draft', 'sent', 'sent', 'accepted', 'rejected'];
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(`Q-${10_000 + i}`, 1 + (i % 3), `Quote for customer ${i}`, states[i % states.length], 500 + ((i * 37) % 9_500), 'EUR', new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString());
    }
  })();
  db.close();
}

export async function runDemo(args: DemoArgs, io: CommandIO): Promise<number> {
  const dir = path.resolve(args.dir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const say = (s: string): void => io.out(`${s}\n`);

  const sim = await startHubspotSimulator({ seed: 7 });
  try {
    say(`1. HubSpot simulator listening on ${sim.url} (wire-compatible CRM v3 API, OAuth, rate limits)`);
    for (const [name, type] of [['quotey_quote_id', 'string'], ['quotey_quote_version', 'number'], ['quotey_quote_total', 'number']] as const) {
      await hubspot(sim.url, 'POST', '/crm/v3/properties/deals', { name, label: name, type, fieldType: type === 'number' ? 'number' : 'text', groupName: 'dealinformation', hasUniqueValue: name === 'quotey_quote_id' });
    }
    say('   created the custom deal properties quotey_quote_id (unique), quotey_quote_version, quotey_quote_total');

    const quotey = path.join(dir, 'quotey.db');
    seedQuotey(quotey, args.quotes);
    say(`2. Quotey database ${path.relative(process.cwd(), quotey)} with ${args.quotes} quotes (drafts are not shared with the CRM)`);

    const env = {
      ...process.env,
      HUBSPOT_BASE_URL: sim.url,
      HUBSPOT_CLIENT_ID: 'sim-client-id',
      HUBSPOT_CLIENT_SECRET: 'sim-client-secret',
      HUBSPOT_REFRESH_TOKEN: 'sim-refresh-token',
      QUOTEY_DATABASE_URL: `sqlite:${quotey}`,
    };
    const project = await loadSpecs(['connectors', 'pipelines']);
    const store = path.join(dir, 'state.db');
    // On a terminal the progress line rewrites itself; in a log (CI, a pipe) each update is a line.
    const progressEnd = process.stderr.isTTY ? '\r' : '\n';
    const progress = (p: { pipeline: string; read: number; planned: number; written: number }): void => io.err(`   … ${p.pipeline}: read ${p.read}, queued ${p.planned}, written ${p.written}${progressEnd}`);

    const out = await Runtime.create({ project, store, pipelines: ['quotey-deals-hubspot'], env, onProgress: progress });
    const t0 = Date.now();
    await out.runOnce();
    await out.close();
    const p1 = out.runners[0]?.progress;
    say(`\n3. quotey-deals-hubspot: read ${p1?.read}, filtered ${p1?.filtered} drafts, wrote ${p1?.written} deals in ${Date.now() - t0} ms (batch upserts by quotey_quote_id)`);

    const page = (await hubspot(sim.url, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'quotey_quote_id', operator: 'HAS_PROPERTY' }] }],
      properties: ['quotey_quote_id', 'dealstage'],
      limit: 3,
    })) as { total: number; results: Array<{ id: string; properties: Record<string, string> }> };
    say(`   HubSpot now holds ${page.total} deals with a Quotey quote id`);

    for (const deal of page.results) {
      await fetch(`${sim.url}/__admin/records/deals/${deal.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { dealstage: 'closedwon', closedate: '2026-12-15T00:00:00.000Z' } }),
      });
    }
    say(`4. a sales rep moved ${page.results.length} deals to "closedwon" in HubSpot (${page.results.map((d) => d.properties.quotey_quote_id).join(', ')})`);

    const back = await Runtime.create({ project, store, pipelines: ['hubspot-deals-quotey'], env, onProgress: progress });
    await back.runOnce();
    await back.close();
    const p2 = back.runners[0]?.progress;
    say(`\n5. hubspot-deals-quotey: read ${p2?.read} deals, wrote ${p2?.written} quotes: its first poll binds each quote to its deal id; stage and close date are crm_wins`);

    const db = new Database(quotey, { readonly: true });
    const won = db.prepare("select id, deal_stage, close_date, crm_ref from quotes where deal_stage = 'closedwon' order by id").all() as Array<Record<string, string>>;
    db.close();
    for (const q of won) say(`   ${q.id}: deal_stage=${q.deal_stage} close_date=${q.close_date} crm_ref=${q.crm_ref}`);
    say(`\nState (links, field bases, outbox, audit) is in ${path.relative(process.cwd(), store)}; run it again with \`npm run demo\`.`);
    return won.length === page.results.length ? 0 : 1;
  } finally {
    await sim.close();
  }
}
