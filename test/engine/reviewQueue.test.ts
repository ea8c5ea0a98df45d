/**
 * The review queue lists every identity match, auto-linked ones included (DESIGN §2), so an
 * operator can correct them. A record the upsert created matched nothing: it is not listed.
 */
import { listCandidates } from '../../src/state/reviewQueue.js';
import { makeItems } from './support/localDb.js';
import { startEngine, type Engine } from './support/engine.js';

let engine: Engine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

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
});
