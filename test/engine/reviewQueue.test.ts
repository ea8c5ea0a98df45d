/**
 * The review queue lists every identity match, auto-linked ones included (DESIGN §2), so an
 * operator can correct them. A record the upsert created matched nothing: it is not listed. An
 * operator's decision re-reads its record by the pipeline's key, whichever column holds it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { approveCandidate, listCandidates, proposeMatch, unappliedDecisions } from '../../src/state/reviewQueue.js';
import { makeItems } from './support/localDb.js';
import { startEngine, type Engine } from './support/engine.js';

let engine: Engine | undefined;
let dir: string | undefined;

afterEach(async () => {
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  engine = dir = undefined;
});

/** The fixture pipeline keyed by the items' names, whose source reads only rows changed from 2027 on. */
async function pipelineKeyedByName(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'syncd-review-'));
  const file = path.join(dir, 'items-by-name.yaml');
  const fixture = await readFile('test/fixtures/target/items-to-target.yaml', 'utf8');
  const yaml = fixture.replace('  key: id\n', '  key: name\n').replace('lookback: 1s }', "lookback: 1s, start: '2027-01-01T00:00:00Z' }");
  expect(yaml).toContain('key: name');
  expect(yaml).toContain("start: '2027");
  await writeFile(file, yaml);
  return file;
}

describe.each(['sqlite', 'postgres'] as const)('review queue on %s', (backend) => {
  it('lists the external-id matches of records that already existed, not the records the upsert created', async () => {
    const items = makeItems(6);
    engine = await startEngine({ items, backend });
    // Two of the six already exist in the CRM, made by a user, carrying the external id.
    for (const item of items.slice(0, 2)) engine.target.edit(item.id, { name: 'made in the CRM' });
    await engine.settle();

    expect(engine.target.records()).toHaveLength(6);
    const listed = await listCandidates(engine.scope);
    expect(listed.map((c) => c.local.key).sort()).toEqual(items.slice(0, 2).map((i) => i.id).sort());
    for (const c of listed) expect(c).toMatchObject({ status: 'auto_linked', strategy: 'external_id', remote: { id: engine.target.record(c.local.key)?.id } });
  });

  it('an approval re-plans its record when the pipeline keys records by a column other than the table key', async () => {
    // Two items the source will not read on its own (they changed before its start).
    engine = await startEngine({ items: makeItems(2), backend, pipeline: await pipelineKeyedByName() });
    // An operator pairs "Item 1" with a record the CRM already has (which carries its id).
    const remote = engine.target.edit('item-00001', { name: 'Item one, by hand' });
    const proposed = await proposeMatch(engine.scope, {
      pipeline: 'items-to-target',
      local: { object: 'local.items', key: 'Item 1' },
      remote: { connector: 'target', object: 'records', id: remote.id },
      strategy: 'fuzzyName',
      score: 0.85,
      autoLink: false,
    });
    await approveCandidate(engine.scope, proposed.id, 'ops@example.com');
    await engine.settle();
    expect(engine.target.record('item-00001')?.fields).toMatchObject({ name: 'Item 1', amount: 10 });
    expect(engine.target.records()).toHaveLength(1);
    expect(await unappliedDecisions(engine.scope, 'items-to-target', 10)).toEqual([]);
  });
});
