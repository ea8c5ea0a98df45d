/**
 * A tenant's own target: the shipped `queast-signals-hubspot` pipeline makes each Smart Signal a
 * HubSpot note associated with its company, and for the tenant northwind (`tenants.northwind.target`)
 * a task on the company instead, with its own field map. Both tenants run in one runtime against
 * one simulated portal; each tenant's links name the object it writes.
 */
import { findLinkByLocal } from '../../src/state/links.js';
import { createQueastCompanies, createQueastSignals } from './support/localDb.js';
import { hubspot } from './support/hubspot.js';
import { startQueastHubspot, type QueastHubspot } from './support/queastHubspot.js';

type View = { properties: Record<string, string | null>; associations: Record<string, Array<{ id: string; typeIds: number[] }>> };
type State = { counts: Record<string, { active: number }> };

describe('a Smart Signal as a note, or as a task for one tenant', () => {
  let h: QueastHubspot;

  const run = async (pipeline: string, tenant: string) => {
    const runner = h.runnerOf(pipeline, tenant);
    expect(await runner.runOnce()).toBe(true);
    return runner.progress;
  };
  const linked = async (tenant: string, object: string, key: string, remoteObject: string) =>
    (await findLinkByLocal(h.runtime.store.forTenant(tenant), { object, key }, { connector: 'hubspot', object: remoteObject }))?.remote.id;
  const counts = async () => (await hubspot<State>(h.sim, 'GET', '/__admin/state')).counts;

  beforeAll(async () => {
    h = await startQueastHubspot(
      'tenant_targets',
      ['queast-companies-hubspot', 'queast-signals-hubspot'],
      async ({ queast }) => {
        await createQueastCompanies(queast);
        await createQueastSignals(queast);
        await queast('companies').insert({ id: 'qc-1', name: 'Quuxotic Instruments', website: 'https://quuxotic.example', updated_at: '2026-05-01T10:00:00.000Z' });
        await queast('signals').insert({ id: 'qs-1', company_id: 'qc-1', kind: 'funding', headline: 'Series B', detected_at: '2026-05-01T08:00:00.000Z', updated_at: '2026-05-01T11:00:00.000Z' });
      },
      ['default', 'northwind'],
    );
    for (const tenant of ['default', 'northwind']) await run('queast-companies-hubspot', tenant);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('writes a note associated with the company for the default tenant', async () => {
    const before = await counts();
    expect(await run('queast-signals-hubspot', 'default')).toMatchObject({ written: 1, failed: 0 });
    const company = await linked('default', 'queast.companies', 'qc-1', 'companies');
    const note = await linked('default', 'queast.signals', 'qs-1', 'notes');
    expect(note).toBeDefined();
    const view = await hubspot<View>(h.sim, 'GET', `/__admin/records/notes/${note}`);
    expect(view.properties).toMatchObject({ hs_note_body: '<b>funding</b>: Series B', queast_signal_id: 'qs-1' });
    expect(view.associations.companies).toEqual([{ id: company, typeIds: [190] }]);
    const after = await counts();
    expect([after.notes?.active, after.tasks?.active]).toEqual([(before.notes?.active ?? 0) + 1, before.tasks?.active ?? 0]);
  });

  it("writes a task on the company for northwind, with northwind's field map, and links it as a task", async () => {
    const before = await counts();
    expect(await run('queast-signals-hubspot', 'northwind')).toMatchObject({ written: 1, failed: 0 });
    const company = await linked('northwind', 'queast.companies', 'qc-1', 'companies');
    const task = await linked('northwind', 'queast.signals', 'qs-1', 'tasks');
    expect(task).toBeDefined();
    expect(await linked('northwind', 'queast.signals', 'qs-1', 'notes')).toBeUndefined();
    const view = await hubspot<View>(h.sim, 'GET', `/__admin/records/tasks/${task}`);
    expect(view.properties).toMatchObject({ hs_task_subject: 'Series B', hs_task_body: '<b>funding</b>: Series B', hs_timestamp: '2026-05-01T08:00:00.000Z', queast_signal_id: 'qs-1' });
    expect(view.properties.hs_note_body).toBeUndefined();
    expect(view.associations.companies).toEqual([{ id: company, typeIds: [192] }]);
    const after = await counts();
    expect([after.notes?.active, after.tasks?.active]).toEqual([before.notes?.active, (before.tasks?.active ?? 0) + 1]);
  });

  it('writes neither again when the signal is read again unchanged', async () => {
    const before = await counts();
    for (const tenant of ['default', 'northwind']) await run('queast-signals-hubspot', tenant);
    expect(await counts()).toEqual(before);
  });
});
