/**
 * People by e-mail and LinkedIn page, with the shipped Queast → HubSpot contacts pipeline: a person
 * HubSpot already has (its e-mail is unique there, so creating it again would be refused) is
 * found and updated; one known by a LinkedIn page in another form is too; a new person is created.
 * A linked contact is read before each merge, so an edit made in HubSpot meets the Queast change.
 */
import { findLinkByLocal } from '../../src/state/links.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { createQueastPeople } from './support/localDb.js';
import { hubspot } from './support/hubspot.js';
import { startQueastHubspot, type QueastHubspot } from './support/queastHubspot.js';

describe('identity matching of people against HubSpot contacts', () => {
  let h: QueastHubspot;
  let grace: string;

  const contact = async (id: string) => (await hubspot<{ properties: Record<string, string | null> }>(h.sim, 'GET', `/__admin/records/contacts/${id}`)).properties;
  const contacts = async () => (await hubspot<{ results: unknown[] }>(h.sim, 'GET', '/crm/v3/objects/contacts?limit=100')).results;

  beforeAll(async () => {
    h = await startQueastHubspot('identity-people', ['queast-people-hubspot'], async ({ sim, queast }) => {
      grace = (await hubspot<{ id: string }>(sim, 'POST', '/crm/v3/objects/contacts', { properties: { firstname: 'Grace', lastname: 'Hopper', hs_linkedin_url: 'https://www.linkedin.com/in/gracehopper' } })).id;
      await createQueastPeople(queast);
      await queast('people').insert([
        // The simulator's fixture contact Bryan Cooper (2001), with the address typed differently.
        { id: 'qp-1', first_name: 'Bryan', last_name: 'Cooper', email: ' BCooper@Biglytics.net', title: 'VP Data', updated_at: '2026-05-01T09:01:00.000Z' },
        { id: 'qp-2', first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.example', linkedin_url: 'linkedin.com/in/GraceHopper/', updated_at: '2026-05-01T09:02:00.000Z' },
        { id: 'qp-3', first_name: 'Katherine', last_name: 'Johnson', email: 'kj@nasa.example', updated_at: '2026-05-01T09:03:00.000Z' },
      ]);
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('updates the contacts HubSpot has, found by e-mail and by LinkedIn page, and creates the new one', async () => {
    const before = await contacts();
    const runner = h.runnerOf('queast-people-hubspot');
    expect(await runner.runOnce()).toBe(true);
    expect(await contacts()).toHaveLength(before.length + 1);
    const linkOf = (key: string) => findLinkByLocal(h.scope, { object: 'queast.people', key }, { connector: 'hubspot', object: 'contacts' });
    expect(await linkOf('qp-1')).toMatchObject({ remote: { id: '2001' }, strategy: 'email' });
    expect(await contact('2001')).toMatchObject({ queast_person_id: 'qp-1', jobtitle: 'VP Data', email: 'bcooper@biglytics.net' });
    expect(await linkOf('qp-2')).toMatchObject({ remote: { id: grace }, strategy: 'linkedin' });
    expect(await contact(grace)).toMatchObject({ queast_person_id: 'qp-2', email: 'grace@navy.example' });
    expect((await linkOf('qp-3'))?.strategy).toBe('external_id');
    expect(runner.progress).toMatchObject({ written: 3, awaitingReview: 0, failed: 0 });
  });

  it('reads a linked contact before merging: an address changed on both sides waits for an operator instead of being overwritten', async () => {
    const runner = h.runnerOf('queast-people-hubspot');
    // A HubSpot user changes Katherine's address; then Queast's address of her changes too.
    const linked = await findLinkByLocal(h.scope, { object: 'queast.people', key: 'qp-3' }, { connector: 'hubspot', object: 'contacts' });
    const id = linked?.remote.id as string;
    await hubspot(h.sim, 'PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { email: 'katherine.johnson@nasa.example' } });
    await h.queast('people').where({ id: 'qp-3' }).update({ email: 'k.johnson@langley.example', last_name: 'Goble', updated_at: '2026-05-01T10:00:00.000Z' });
    // The page's linked contacts are read in one batch read: a GET of one contact would fail the page.
    h.sim.scriptFault({ kind: 'server_error', status: 500, method: 'GET', pathContains: '/crm/v3/objects/contacts/', count: 1000 });
    expect(await runner.runOnce()).toBe(true);
    h.sim.setFaults({ scripted: [] });
    // The e-mail is merge_with_audit with onConflict: reconcile: HubSpot's stays, an item is open.
    expect(await contact(id)).toMatchObject({ email: 'katherine.johnson@nasa.example', lastname: 'Goble' });
    const items = await listReconciliationItems(h.scope, { recordKey: 'qp-3' });
    expect(items.map((i) => [i.kind, i.field])).toEqual([['conflict', 'person.email']]);
    expect(items[0]?.payload).toMatchObject({ local: 'k.johnson@langley.example', crm: 'katherine.johnson@nasa.example', base: 'kj@nasa.example' });
  });
});
