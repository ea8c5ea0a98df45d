import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimBatch, enqueueOutbox, moveToDeadLetter, openStore, proposeMatch } from '../../src/state/index.js';
import { writes } from '../state/fixtures.js';

const bin = path.resolve('bin/syncd');

function syncd(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('syncd demo and the operator commands on its store', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'syncd-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes quotes to HubSpot deals and brings the stage moved in HubSpot back to Quotey', () => {
    const r = syncd(['demo', '--dir', dir, '--quotes', '60']);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.out).toContain('quotey-deals-hubspot: read 60, filtered 12 drafts, wrote 48 deals');
    expect(r.out.match(/deal_stage=closedwon close_date=2026-12-15/g)).toHaveLength(3);
  });

  it('status shows both pipelines with everything delivered', () => {
    const r = syncd(['status', '--store', path.join(dir, 'state.db'), '--json']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out) as { pipelines: Array<{ pipeline: string; done: number; pending: number; dead: number }> };
    const byName = Object.fromEntries(data.pipelines.map((p) => [p.pipeline, p]));
    expect(byName['quotey-deals-hubspot']).toMatchObject({ done: 48, pending: 0, dead: 0, awaitingReview: 0 });
    expect(byName['hubspot-deals-quotey']?.pending).toBe(0);
  });

  it('lists no match for review: every deal was created by the upsert, none was matched', () => {
    const r = syncd(['review', 'list', '--store', path.join(dir, 'state.db'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
  });

  it("audit lists a quote's trail: both pipelines' intents and outcomes, oldest first", () => {
    const store = path.join(dir, 'state.db');
    const json = syncd(['audit', 'Q-10001', '--store', store, '--json']);
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.out) as Array<{ action: string; pipeline: string; at: number; decision: Record<string, unknown> }>;
    expect(entries.map((e) => [e.pipeline, e.action])).toEqual([
      ['quotey-deals-hubspot', 'write.intent'],
      ['quotey-deals-hubspot', 'write.ok'],
      ['hubspot-deals-quotey', 'write.intent'],
      ['hubspot-deals-quotey', 'write.ok'],
    ]);
    expect(entries[1]?.decision).toMatchObject({ operation: 'batchUpsert', created: true, attempt: 1 });
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort((a, b) => a - b));

    const text = syncd(['audit', 'Q-10001', '--store', store, '--pipeline', 'quotey-deals-hubspot', '--limit', '1']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/write\.intent\s+quotey-deals-hubspot\s+pipeline:quotey-deals-hubspot\s+[0-9a-f]{12}\s+batchUpsert dealname/);
    expect(text.out).not.toContain('write.ok');
    expect(text.out).toContain('… more entries: raise --limit');

    expect(syncd(['audit', 'Q-99999', '--store', store]).out).toBe('no audit entry for record Q-99999 in tenant default\n');
    const bad = syncd(['audit', 'Q-10001', '--store', store, '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since takes an ISO date or date-time, not "yesterday"');
    expect(bad.err).not.toMatch(/\n\s+at /);
  });

  it('explains a missing dead letter id instead of failing obscurely', () => {
    const r = syncd(['dlq', 'replay', '--store', path.join(dir, 'state.db')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('name the dead letters to replay');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('syncd dlq replay', () => {
  it('replays the letters that are still current and says which ones a newer write replaced', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'syncd-dlq-'));
    const file = path.join(dir, 'state.db');
    const store = openStore({ url: file, env: {} });
    try {
      await store.migrate();
      const t = store.forTenant('default');
      await enqueueOutbox(t, writes(2));
      const claimed = await claimBatch(t, { limit: 2, worker: 'w', leaseMs: 1000 });
      await moveToDeadLetter(t, claimed.map((r) => r.id), { errorClass: 'transient' });
      await enqueueOutbox(t, writes(1, 0, { contentVersion: 'v2' }));
    } finally {
      await store.close();
    }
    const r = syncd(['dlq', 'replay', '--all', '--store', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('queued 1 write(s) again');
    expect(r.out).toMatch(/dead letter 1 \(record q-0\) not replayed: the record has a newer write \(\S+\), planned without this one's success, which replaces it/);
  });
});

describe('syncd review', () => {
  it('lists the matches waiting for a decision with why they wait, then approves one and says when it takes effect', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'syncd-review-'));
    const file = path.join(dir, 'state.db');
    const store = openStore({ url: file, env: {} });
    try {
      await store.migrate();
      const t = store.forTenant('default');
      const pair = (key: string, id: string) => ({ pipeline: 'queast-companies-hubspot', local: { object: 'queast.companies', key }, remote: { connector: 'hubspot', object: 'companies', id } });
      await proposeMatch(t, { ...pair('qc-3', '1002'), strategy: 'fuzzyName', score: 0.923, details: { matchedOn: 'smalllytics', ambiguous: false }, autoLink: false });
      await proposeMatch(t, { ...pair('qc-7', '1001'), strategy: 'domain', score: 1, details: { matchedOn: 'biglytics.net', reason: 'already linked to qc-1' }, autoLink: false });
    } finally {
      await store.close();
    }
    const list = syncd(['review', 'list', '--status', 'pending', '--store', file]);
    const approve = syncd(['review', 'approve', '1', '--store', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/queast\.companies\/qc-3\s+hubspot\.companies\/1002\s+fuzzyName\s+0\.923\s+on "smalllytics"/);
    expect(list.out).toMatch(/qc-7 .*already linked to qc-1; on "biglytics\.net"/);
    expect(approve.code).toBe(0);
    expect(approve.out).toContain("linked queast.companies/qc-3 ↔ hubspot.companies/1002; the running daemon writes the record to it at the pipeline's next poll");
  });
});

describe('syncd test', () => {
  it('passes the example pipeline tests', () => {
    const r = syncd(['test']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n8 passed, 0 failed\n/);
  });

  it('reports a wrong expectation with the difference and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'syncd-ptest-'));
    const file = path.join(dir, 'wrong.test.yaml');
    writeFileSync(
      file,
      `apiVersion: syncd.dev/v1
kind: PipelineTest
metadata: { name: wrong }
spec:
  pipeline: quotey-deals-hubspot
  cases:
    - name: expects the wrong total
      input:
        - { id: Q-9, version: 1, title: t, state: sent, total: 5, currency: EUR, updated_at: "2026-01-01T00:00:00Z" }
      expect:
        writes:
          - record: Q-9
            values: { dealname: "Quote Q-9 v1", quotey_quote_id: Q-9, quotey_quote_version: 1, quotey_quote_total: 6 }
`,
    );
    const r = syncd(['test', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ expects the wrong total');
    expect(r.out).toContain('"quotey_quote_total":5');
    expect(r.out).toMatch(/0 passed, 1 failed/);
  });
});

describe('syncd run --retain-done', () => {
  it('refuses a retention that is not a duration, without a stack trace', () => {
    const r = syncd(['run', '--once', '--retain-done', 'a month']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--retain-done a month is not a duration (30d, 12h, 90m…) or off');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('syncd run --public-url', () => {
  it('refuses a URL vendors could not be given, without a stack trace', () => {
    const r = syncd(['run', '--once', '--public-url', 'syncd.example.com/hooks']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--public-url syncd.example.com/hooks is not an http(s) base URL without query or fragment, such as https://syncd.example.com');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
