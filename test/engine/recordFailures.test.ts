/**
 * A record whose field expression fails is that record's failure alone: it becomes a mapping
 * reconciliation item, and the rest of its page is written and the cursor moves on, so one bad
 * record never holds a pipeline up.
 */
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { getCursor } from '../../src/state/cursors.js';
import { startEngine, type Engine } from './support/engine.js';
import { makeItems } from './support/localDb.js';

let engine: Engine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe.each(['sqlite', 'postgres'] as const)('a field expression failing for one record, on %s', (backend) => {
  it('reconciles that record and writes the rest of the page', async () => {
    const items = makeItems(5);
    items[2]!.name = 'a name far longer than twenty characters';
    engine = await startEngine({ backend, items, pipeline: 'test/fixtures/target/items-to-target-expr.yaml' });
    const runner = engine.runtime.runners[0]!;
    expect(await engine.runtime.runOnce()).toBe(true);
    await engine.settle();

    expect(engine.target.records().map((r) => r.key).sort()).toEqual(['item-00001', 'item-00002', 'item-00004', 'item-00005']);
    expect(runner.progress).toMatchObject({ failed: 1, written: 4 });
    const [item, ...others] = await listReconciliationItems(engine.scope, { pipeline: 'items-to-target' });
    expect(others).toEqual([]);
    expect(item).toMatchObject({ kind: 'mapping', recordKey: 'item-00003', field: 'item.name' });
    expect((item?.payload as { message: string }).message).toContain('name longer than 20 characters');
    // The cursor moved past the page: the bad record is not read again and again.
    expect((await getCursor(engine.scope, { pipeline: 'items-to-target', source: 'table:local' }))?.value).toMatchObject({ key: 'item-00005' });
  });
});
