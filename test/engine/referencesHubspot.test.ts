/**
 * Associations in HubSpot through field references, with the shipped Queast pipelines: a Smart
 * Signal becomes a note associated with its company (type 190, on the note's create), and a
 * person's contact is associated with its company through the associations API (type 279), each
 * once both ends are linked.
 */
import { findLinkByLocal } from '../../src/state/links.js';
import { listReferenceWaits } from '../../src/state/referenceWaits.js';
import { createQueastCompanies, createQueastPeople, createQueastSignals } from './support/localDb.js';
import { hubspot } from './support/hubspot.js';
import { startQueastHubspot, type QueastHubspot } from './support/queastHubspot.js';

const PIPELINES = ['queast-companies-hubspot', 'queast-signals-hubspot', 'queast-people-hubspot', 'queast-people-hubspot-companies'];
type View = { properties: Record<string, string | null>; associations: Record<string, Array<{ id: string; typeIds: number[] }>> };

describe('HubSpot notes and contacts associated with their company', () => {
  let h: QueastHubspot;

  const run = async (pipeline: string) => {
    const runner = h.runnerOf(pipeline);
    expect(await runner.runOnce()).toBe(true);
    return runner.progress;
  };
  const scope = () => h.scope;
  const linked = async (object: string, key: string, remoteObject: string) => (await findLinkByLocal(scope(), { object, key }, { connector: 'hubspot', object: remoteObject }))?.remote.id;

  beforeAll(async () => {
    h = await startQueastHubspot('references_hubspot', PIPELINES, async ({ queast }) => {
      await createQueastCompanies(queast);
      await createQueastSignals(queast);
      await createQueastPeople(queast);
      await queast('signals').insert({ id: 'qs-1', company_id: 'qc-1', kind: 'funding', headline: 'Series B', detected_at: '2026-05-01T08:00:00.000Z', updated_at: '2026-05-01T09:00:00.000Z' });
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('waits for the company, then creates the note associated with it, once', async () => {
    expect(await run('queast-signals-hubspot')).toMatchObject({ read: 1, awaitingReference: 1, written: 0 });
    expect((await listReferenceWaits(scope())).map((w) => [w.recordKey, w.reference, w.local.key])).toEqual([['qs-1', 'queast-companies-hubspot', 'qc-1']]);

    await h.queast('companies').insert({ id: 'qc-1', name: 'Quuxotic Instruments', website: 'https://quuxotic.example', updated_at: '2026-05-01T10:00:00.000Z' });
    await run('queast-companies-hubspot');
    const company = await linked('queast.companies', 'qc-1', 'companies');
    expect(company).toBeDefined();

    expect(await run('queast-signals-hubspot')).toMatchObject({ awaitingReference: 0, written: 1 });
    const note = await linked('queast.signals', 'qs-1', 'notes');
    const view = await hubspot<View>(h.sim, 'GET', `/__admin/records/notes/${note}`);
    expect(view.properties).toMatchObject({ hs_note_body: '<b>funding</b>: Series B', queast_signal_id: 'qs-1' });
    expect(view.associations.companies).toEqual([{ id: company, typeIds: [190] }]);
    expect(await listReferenceWaits(scope())).toEqual([]);

    const notes = async () => (await hubspot<{ counts: { notes: { active: number } } }>(h.sim, 'GET', '/__admin/state')).counts.notes.active;
    const before = await notes();
    expect(await run('queast-signals-hubspot')).toMatchObject({ written: 1 });
    expect(await notes()).toBe(before);
  });

  it('associates a contact with its company once both are in HubSpot, once', async () => {
    const company = await linked('queast.companies', 'qc-1', 'companies');
    await h.queast('people').insert([
      { id: 'qp-1', full_name: 'Grace Hopper', first_name: 'Grace', last_name: 'Hopper', email: 'grace@quuxotic.example', company_id: 'qc-1', updated_at: '2026-05-01T09:00:00.000Z' },
      { id: 'qp-2', first_name: 'Alan', last_name: 'Turing', email: 'alan@zorblex.example', company_id: 'qc-9', updated_at: '2026-05-01T09:01:00.000Z' },
    ]);
    // Neither contact is in HubSpot yet.
    expect(await run('queast-people-hubspot-companies')).toMatchObject({ awaitingReference: 2, written: 0 });
    await run('queast-people-hubspot');
    const grace = await linked('queast.people', 'qp-1', 'contacts');
    expect(grace).toBeDefined();

    // Grace's company is linked; Alan's (qc-9) is not in Queast's companies yet.
    expect(await run('queast-people-hubspot-companies')).toMatchObject({ awaitingReference: 1, written: 1 });
    const view = await hubspot<View>(h.sim, 'GET', `/__admin/records/contacts/${grace}`);
    expect(view.associations.companies).toEqual([{ id: company, typeIds: [279] }]);
    expect((await listReferenceWaits(scope())).map((w) => [w.pipeline, w.recordKey, w.field, w.local.key])).toEqual([['queast-people-hubspot-companies', 'qp-2', 'association.company', 'qc-9']]);

    expect(await run('queast-people-hubspot-companies')).toMatchObject({ written: 1 });
    expect((await hubspot<View>(h.sim, 'GET', `/__admin/records/contacts/${grace}`)).associations.companies).toHaveLength(1);
  });
});
