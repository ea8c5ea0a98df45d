/**
 * The ownership policy table (test/merge/policyCases.ts) run through the engine, on SQLite and on
 * PostgreSQL. Each row becomes a linked record pair: a row of the local `cases` table and a record
 * of the records target, the row's base stored as the pair's field base. One sync cycle runs the
 * row's two pipelines — target → local (`case-N-in`), then local → target (`case-N-out`) — and the
 * test reads what happened from the target and from the store: the value written to the target,
 * the value applied to the local row, the stored base, the drift / conflict reconciliation items
 * and the `merge.decision` audit entries.
 *
 * How the rows map onto the engine:
 * - each row has its own pipeline pair (a filter on its key), so every cursor starts fresh and
 *   both sources hand the row's records to the cycle, as a first sync does;
 * - a pipeline performs only the writes of its own direction; the other direction's write of the
 *   same decision is made by the reverse pipeline when it reads the record. Both run in the cycle,
 *   so each decision is carried out completely. (Outside a cycle where both sides are read, a
 *   CRM edit to a `local_wins` field is recorded as drift at once but overwritten only when the
 *   local record is next written out: the engine has no write-back to a pipeline's own source.)
 * - a decision seen by both pipelines is recorded by both: drift and conflict items are kept per
 *   pipeline, and `merge_with_audit` decisions are audited by each pipeline that made them. The
 *   test asserts every such record carries the row's decision, and that there is at least one.
 * - modification times: a row's `modifiedAt` becomes the local row's `updated_at` (the table's
 *   cursor) and the target record's `updatedAt`. The engine always knows both times, so a row whose
 *   times are absent ("times unknown") is run with equal times, which `newest` treats the same
 *   way (a tie, won by the CRM).
 * - local values that are numbers live in a numeric column (`v_num`), the rest in a text column,
 *   so "the CRM returns the number as a string" compares a real number with a real string.
 */
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import type { PipelineDocument } from '../../src/spec/types.js';
import type { Timestamp } from '../../src/merge/types.js';
import type { Scope } from '../../src/state/scope.js';
import { upsertLink, findLinkByLocal } from '../../src/state/links.js';
import { getFieldBases, saveFieldBases } from '../../src/state/fieldBases.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { queryAudit } from '../../src/state/audit.js';
import { listOutbox } from '../../src/state/outbox/queries.js';
import type { RecordsTarget } from '../../src/simulators/target/index.js';
import { policyCases, type PolicyCase } from '../merge/policyCases.js';
import { backends, prepareBackend, type BackendUrls } from './support/backends.js';
import { fixtureEnv, startTarget } from './support/target.js';
import { openLocal } from './support/localDb.js';
import type { Knex } from 'knex';

/** Used for a side whose row gives no modification time. */
const UNKNOWN_TIME = '2026-03-01T09:30:00.000Z';
const LOCAL_OBJECT = 'cases.cases';
const REMOTE = { connector: 'target', object: 'records' };

const keyOf = (i: number): string => `case-${String(i).padStart(2, '0')}`;

/** The rows' times are ISO text; a side without one runs at UNKNOWN_TIME. */
function timeOf(t: Timestamp | undefined): string {
  return t === undefined ? UNKNOWN_TIME : new Date(t).toISOString();
}

function column(c: PolicyCase): 'v_num' | 'v_text' {
  return [c.base?.value, c.local.value].some((v) => typeof v === 'number') ? 'v_num' : 'v_text';
}

function pipelines(c: PolicyCase, i: number): PipelineDocument[] {
  const key = keyOf(i);
  const col = column(c);
  const field = { owner: c.rule.owner, ...(c.rule.onConflict ? { onConflict: c.rule.onConflict } : {}) };
  const meta = (dir: string) => ({ name: `${key}-${dir}` });
  return [
    {
      apiVersion: 'syncd.dev/v1',
      kind: 'Pipeline',
      metadata: meta('in'),
      spec: {
        source: { type: 'poll', connector: 'target', object: 'records', operation: 'list', schedule: { every: '1h' }, cursor: { field: 'updatedAt' } },
        transforms: [{ type: 'filter', expression: `key = "${key}"` }],
        key: 'key',
        match: { rules: [{ type: 'link' }], onNoMatch: 'skip' },
        fields: { [c.rule.field]: { from: 'v', to: col, ...field } },
        target: { connector: 'cases', table: 'cases' },
      },
    },
    {
      apiVersion: 'syncd.dev/v1',
      kind: 'Pipeline',
      metadata: meta('out'),
      spec: {
        source: { type: 'table', connector: 'cases', table: 'cases', schedule: { every: '1h' }, cursor: { field: 'updated_at' } },
        transforms: [{ type: 'filter', expression: `id = "${key}"` }],
        key: 'id',
        match: { rules: [{ type: 'link' }, { type: 'externalId', field: 'id', property: 'key' }] },
        fields: { [c.rule.field]: { from: col, to: 'v', ...field } },
        target: { connector: 'target', object: 'records', operation: 'batchUpsert', delivery: { retry: { attempts: 1 } } },
      },
    },
  ];
}

const cases = policyCases.map((c, i) => ({ c, i, name: c.name }));

describe.each(backends)('ownership table through the engine (%s)', (backend) => {
  let urls: BackendUrls;
  let target: RecordsTarget;
  let runtime: Runtime;
  let local: Knex;
  let scope: Scope;

  beforeAll(async () => {
    urls = await prepareBackend(backend, 'syncd_own');
    target = await startTarget();
    local = openLocal(urls.local);
    await local.schema.createTable('cases', (t) => {
      t.string('id').primary();
      t.text('v_text');
      t.double('v_num');
      t.string('updated_at');
    });
    const project = await loadProject(['test/fixtures/target/connector.yaml', 'test/fixtures/target/cases.yaml']);
    project.pipelines.push(...policyCases.flatMap((c, i) => pipelines(c, i)));
    runtime = await Runtime.create({ project, store: urls.store, env: { ...fixtureEnv(target, urls.local), SYNCD_SECRET_KEY: urls.secretKey } });
    scope = runtime.store.forTenant('default');

    // Seed every row: the target record, the local row, the link and (when the row has one) the base.
    for (const [i, c] of policyCases.entries()) {
      const key = keyOf(i);
      const record = target.edit(key, c.crm.value === undefined ? {} : { v: c.crm.value }, timeOf(c.crm.modifiedAt));
      await local('cases').insert({ id: key, [column(c)]: c.local.value ?? null, updated_at: timeOf(c.local.modifiedAt) });
      const link = await upsertLink(scope, { local: { object: LOCAL_OBJECT, key }, remote: { ...REMOTE, id: record.id }, strategy: 'seeded' });
      if (c.base) await saveFieldBases(scope, [{ linkId: link.id, field: c.rule.field, value: c.base.value }]);
    }
    target.resetCounters();
  });

  afterAll(async () => {
    await runtime?.close();
    await local?.destroy();
    await target?.close();
    await urls?.cleanup();
  });

  async function runCycle(i: number): Promise<void> {
    const key = keyOf(i);
    for (const dir of ['in', 'out']) {
      const runner = runtime.runner(`${key}-${dir}`);
      await runner.runOnce();
    }
  }

  it.each(cases)('$name', async ({ c, i }) => {
    const key = keyOf(i);
    const col = column(c);
    const e = c.expected;
    const field = c.rule.field;
    const seededCrm = target.record(key)?.fields.v;
    await runCycle(i);

    // What reached the target: exactly the decided write, once, or no request at all.
    const record = target.record(key);
    const attempts = target.stats().attempts[key] ?? 0;
    const outbox = await listOutbox(scope, { recordKey: key });
    if (e.writeCrm) {
      expect(attempts).toBe(1);
      expect(record?.fields.v).toStrictEqual(e.writeCrm.value);
      expect(outbox.map((r) => r.status)).toStrictEqual(['done']);
      expect((outbox[0]?.payload as { values: Record<string, unknown> }).values.v).toStrictEqual(e.writeCrm.value);
    } else {
      expect(attempts).toBe(0);
      expect(outbox.filter((r) => r.pipeline === `${key}-out`)).toHaveLength(0);
      expect(record?.fields.v).toStrictEqual(seededCrm);
    }

    // What was applied to the local row.
    const row = (await local('cases').where({ id: key }).first()) as Record<string, unknown>;
    expect(row[col]).toStrictEqual(e.applyLocal ? e.applyLocal.value : (c.local.value ?? null));

    // The stored base of the pair's field.
    const link = await findLinkByLocal(scope, { object: LOCAL_OBJECT, key }, REMOTE);
    expect(link).toBeDefined();
    const bases = await getFieldBases(scope, link!.id);
    if (e.newBase) expect(bases.get(field)?.value).toStrictEqual(e.newBase.value);
    else expect(bases.has(field)).toBe(false);

    // Drift, conflicts and audited merge decisions.
    const drift = await listReconciliationItems(scope, { recordKey: key, kind: 'drift' });
    if (e.drift) {
      expect(drift.length).toBeGreaterThanOrEqual(1);
      for (const d of drift) {
        expect(d.field).toBe(field);
        expect(d.payload).toMatchObject({ side: e.drift.side, overwritten: e.drift.overwritten ?? null, kept: e.drift.kept ?? null });
      }
    } else expect(drift).toStrictEqual([]);

    const conflicts = await listReconciliationItems(scope, { recordKey: key, kind: 'conflict' });
    if (e.conflict) {
      expect(conflicts.length).toBeGreaterThanOrEqual(1);
      for (const item of conflicts) expect(item.payload).toMatchObject({ reason: e.conflict.reason, owner: c.rule.owner });
    } else expect(conflicts).toStrictEqual([]);

    const audit = await queryAudit(scope, { recordKey: key });
    const decisions = audit.filter((a) => a.action === 'merge.decision');
    if (e.audit) {
      expect(decisions.length).toBeGreaterThanOrEqual(1);
      for (const d of decisions) {
        expect(d.decision).toStrictEqual({ field, winner: e.audit.winner, rule: e.audit.rule, tie: e.audit.tie });
        expect(d.after).toStrictEqual({ value: e.audit.value });
      }
    } else expect(decisions).toStrictEqual([]);

    // A write to either side leaves its intent and outcome in the trail.
    const actions = audit.map((a) => a.action);
    if (e.writeCrm || e.applyLocal) expect(actions).toEqual(expect.arrayContaining(['write.intent', 'write.ok']));
    else expect(actions.filter((a) => a.startsWith('write.'))).toStrictEqual([]);
  });
});
