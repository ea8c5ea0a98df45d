/**
 * People by e-mail with the shipped Queast → Pipedrive persons pipeline: a person Pipedrive
 * already has is found by one of its addresses and patched (its other addresses kept), an
 * address two persons share waits for an operator, and a new person is created. A later address
 * change is written as the primary one; Pipedrive replaces the whole list on a write, so the
 * update sends the person's other addresses with it, as read just before the write goes out.
 */
import { findLinkByLocal } from '../../src/state/links.js';
import { queryAudit } from '../../src/state/audit.js';
import { listCandidates } from '../../src/state/reviewQueue.js';
import { createQueastPeople } from './support/localDb.js';
import { callJson } from '../conformance/support/http.js';
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
    // Pipedrive's name won the first merge, and the two sides never agreed on one: a Queast change
    // since meets Pipedrive's name, as read, and the CRM wins again (merge_with_audit, onConflict: crm).
    await h.queast('people').where({ id: 'qp-1' }).update({ last_name: 'Byron', updated_at: '2026-05-01T10:00:01.000Z' });
    const matched = await linkOf('qp-1');
    expect(matched).toMatchObject({ strategy: 'email' });
    const before = await persons();
    expect(await h.runner.runOnce()).toBe(true);
    const after = await persons();
    expect(after).toHaveLength(before.length);
    const katherine = after.find((p) => queastIdOf(p) === 'qp-3');
    // The new address is the primary one; the one she had stays, as secondary.
    expect(katherine?.emails.map((e) => [e.value, e.primary])).toEqual([
      ['katherine@nasa.example', true],
      ['kj@nasa.example', false],
    ]);
    const ada = after.find((p) => p.id === ids['Ada Lovelace']);
    expect([ada?.name, ada?.emails.length]).toEqual(['Ada Lovelace', 2]);
    const decisions = (await queryAudit(h.scope, { recordKey: 'qp-1' })).filter((a) => a.action === 'merge.decision');
    expect(decisions.at(-1)).toMatchObject({ before: { base: null, local: 'Ada Byron', crm: 'Ada Lovelace' }, decision: { field: 'person.name', winner: 'crm' } });
    expect(h.runner.progress).toMatchObject({ written: 3, failed: 0 });
    // Writing a linked record leaves its link as it was made: by an e-mail match, or by creating the person.
    expect(await linkOf('qp-1')).toEqual(matched);
    expect(await linkOf('qp-3')).toMatchObject({ strategy: 'created', score: 1 });
  });

  it('writes a new primary address and keeps every other address the person has, one added in Pipedrive since included', async () => {
    // A Pipedrive user adds an address by hand; then Queast's address of Ada changes to her home one.
    const adaId = ids['Ada Lovelace'] as number;
    const current = (await persons()).find((p) => p.id === adaId) as Person;
    await callJson(`${h.account.sim.url}/api/v2/persons/${adaId}`, {
      method: 'PATCH',
      headers: { 'x-api-token': h.account.sim.apiToken },
      body: { emails: [...current.emails, { value: 'ada@lab.example', primary: false, label: 'other' }] },
    });
    await h.queast('people').where({ id: 'qp-1' }).update({ email: 'ada@home.example', updated_at: '2026-05-01T11:00:00.000Z' });
    expect(await h.runner.runOnce()).toBe(true);
    const ada = (await persons()).find((p) => p.id === adaId);
    expect(ada?.emails).toEqual([
      // The address written is the primary one now, under the label it had.
      { value: 'ada@home.example', primary: true, label: 'home' },
      { value: 'ada@analytical.example', primary: false, label: 'work' },
      { value: 'ada@lab.example', primary: false, label: 'other' },
    ]);
    expect(h.runner.progress).toMatchObject({ written: 4, failed: 0 });
  });

  it('reads the addresses again when the write goes out: one added while it waited is kept', async () => {
    const adaId = ids['Ada Lovelace'] as number;
    // Planned and committed with the addresses Ada has now; not sent yet.
    await h.queast('people').where({ id: 'qp-1' }).update({ email: 'ada@analytical.example', updated_at: '2026-05-01T12:00:00.000Z' });
    await h.runner.pollCycle();
    const before = (await persons()).find((p) => p.id === adaId) as Person;
    await callJson(`${h.account.sim.url}/api/v2/persons/${adaId}`, {
      method: 'PATCH',
      headers: { 'x-api-token': h.account.sim.apiToken },
      body: { emails: [...before.emails, { value: 'ada@desk.example', primary: false, label: 'other' }] },
    });
    expect(await h.runner.runOnce()).toBe(true);
    const ada = (await persons()).find((p) => p.id === adaId);
    expect(ada?.emails).toEqual([
      { value: 'ada@analytical.example', primary: true, label: 'work' },
      { value: 'ada@home.example', primary: false, label: 'home' },
      { value: 'ada@lab.example', primary: false, label: 'other' },
      { value: 'ada@desk.example', primary: false, label: 'other' },
    ]);
    expect(h.runner.progress).toMatchObject({ written: 5, failed: 0 });
  });
});
