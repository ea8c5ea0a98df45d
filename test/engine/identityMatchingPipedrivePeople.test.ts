/**
 * People by e-mail with the shipped Queast → Pipedrive persons pipeline: a person Pipedrive
 * already has is found by one of its addresses and patched (its other addresses kept), an
 * address two persons share waits for an operator, and a new person is created.
 */
import { findLinkByLocal } from '../../src/state/links.js';
import { listCandidates } from '../../src/state/reviewQueue.js';
import { createQueastPeople } from './support/localDb.js';
import { startQueastPipedrive, type QueastPipedrive } from './support/queastPipedrive.js';

interface Person {
  id: number;
  name: string;
  emails: Array<{ value: string; primary: boolean; label: string }>;
  custom_fields: Record<string, unknown>;
}

describe('identity matching of people against Pipedrive persons', () => {
  let h: QueastPipedrive;
  const ids: Record<string, number> = {};

  const persons = () => h.records<Person>('persons');
  const queastIdOf = (p: Person | undefined) => p?.custom_fields[h.account.env.PIPEDRIVE_FIELD_PERSON_QUEAST_ID as string] ?? null;
  const linkOf = (key: string) => findLinkByLocal(h.scope, { object: 'queast.people', key }, { connector: 'pipedrive', object: 'persons' });

  beforeAll(async () => {
    h = await startQueastPipedrive('queast-people-pipedrive', async ({ queast, create }) => {
      const work = (value: string) => ({ value, primary: true, label: 'work' });
      ids['Ada Lovelace'] = await create('persons', { name: 'Ada Lovelace', emails: [work('ada@analytical.example'), { value: 'ada@home.example', primary: false, label: 'home' }] });
      ids['Sales Desk'] = await create('persons', { name: 'Sales Desk', emails: [work('hello@shared.example')] });
      ids['Sales Desk (old)'] = await create('persons', { name: 'Sales Desk (old)', emails: [work('hello@shared.example')] });
      await createQueastPeople(queast);
      await queast('people').insert([
        { id: 'qp-1', first_name: 'Ada', last_name: 'King', email: ' Ada@Analytical.example', updated_at: '2026-05-01T09:01:00.000Z' },
        { id: 'qp-2', full_name: 'Sam Seller', email: 'hello@shared.example', updated_at: '2026-05-01T09:02:00.000Z' },
        { id: 'qp-3', first_name: 'Katherine', last_name: 'Johnson', email: 'kj@nasa.example', updated_at: '2026-05-01T09:03:00.000Z' },
      ]);
      // Its persons' organizations come through the companies pipeline's links.
    }, ['queast-companies-pipedrive']);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('patches the person found by e-mail, creates the new one, and holds back the shared address', async () => {
    const before = await persons();
    expect(await h.runner.runOnce()).toBe(true);
    const after = await persons();
    expect(after).toHaveLength(before.length + 1);

    const ada = after.find((p) => p.id === ids['Ada Lovelace']);
    expect(queastIdOf(ada)).toBe('qp-1');
    // Name and addresses are merge_with_audit with the CRM winning: Pipedrive's stay as they were.
    expect(ada?.name).toBe('Ada Lovelace');
    expect(ada?.emails.map((e) => e.value)).toEqual(['ada@analytical.example', 'ada@home.example']);
    expect(await linkOf('qp-1')).toMatchObject({ remote: { id: String(ids['Ada Lovelace']) }, strategy: 'email' });

    const created = after.filter((p) => queastIdOf(p) === 'qp-3');
    expect(created.map((p) => [p.name, p.emails.map((e) => [e.value, e.primary])])).toEqual([['Katherine Johnson', [['kj@nasa.example', true]]]]);

    expect(after.filter((p) => p.name === 'Sam Seller')).toEqual([]);
    expect(queastIdOf(after.find((p) => p.id === ids['Sales Desk']))).toBeNull();
    const pending = await listCandidates(h.scope, { status: 'pending' });
    // Both persons holding the address are listed for the operator to choose from.
    expect(pending.map((c) => [c.local.key, c.remote.id]).sort()).toEqual([
      ['qp-2', String(ids['Sales Desk'])],
      ['qp-2', String(ids['Sales Desk (old)'])],
    ]);
    expect(await linkOf('qp-2')).toBeUndefined();
    expect(h.runner.progress).toMatchObject({ awaitingReview: 1, written: 2, failed: 0 });
  });

  it('writes later changes to the linked persons, whose links still say how they were made', async () => {
    await h.queast('people').where({ id: 'qp-3' }).update({ email: 'katherine@nasa.example', updated_at: '2026-05-01T10:00:00.000Z' });
    // Pipedrive's name won the first merge; a Queast change since is written.
    await h.queast('people').where({ id: 'qp-1' }).update({ last_name: 'Byron', updated_at: '2026-05-01T10:00:01.000Z' });
    const matched = await linkOf('qp-1');
    expect(matched).toMatchObject({ strategy: 'email' });
    const before = await persons();
    expect(await h.runner.runOnce()).toBe(true);
    const after = await persons();
    expect(after).toHaveLength(before.length);
    const katherine = after.find((p) => queastIdOf(p) === 'qp-3');
    expect(katherine?.emails.map((e) => e.value)).toEqual(['katherine@nasa.example']);
    const ada = after.find((p) => p.id === ids['Ada Lovelace']);
    expect([ada?.name, ada?.emails.length]).toEqual(['Ada Byron', 2]);
    expect(h.runner.progress).toMatchObject({ written: 4, failed: 0 });
    // Writing a linked record leaves its link as it was made: by an e-mail match, or by creating the person.
    expect(await linkOf('qp-1')).toEqual(matched);
    expect(await linkOf('qp-3')).toMatchObject({ strategy: 'created', score: 1 });
  });
});
