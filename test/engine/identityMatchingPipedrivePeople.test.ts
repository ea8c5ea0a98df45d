/**
 * People by e-mail with the shipped Queast → Pipedrive persons pipeline: a person Pipedrive
 * already has is found by one of its addresses and patched (its other addresses kept), an
 * address two persons share waits for an operator, and a new person is created.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import type { Scope } from '../../src/state/scope.js';
import { findLinkByLocal } from '../../src/state/links.js';
import { listCandidates } from '../../src/state/reviewQueue.js';
import { callJson } from '../conformance/support/http.js';
import { startPipedriveAccount, type PipedriveAccount } from '../support/pipedriveAccount.js';
import { createQueastPeople, openLocal } from './support/localDb.js';
import { prepareBackend, type BackendUrls } from './support/backends.js';

const SPECS = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', 'pipelines/queast-people-pipedrive.yaml'];
const PIPELINE = 'queast-people-pipedrive';

interface Person {
  id: number;
  name: string;
  emails: Array<{ value: string; primary: boolean; label: string }>;
  custom_fields: Record<string, unknown>;
}

describe('identity matching of people against Pipedrive persons', () => {
  let urls: BackendUrls;
  let account: PipedriveAccount;
  let queast: Knex;
  let runtime: Runtime;
  let scope: Scope;
  const ids: Record<string, number> = {};

  const persons = async () => (await callJson<{ persons: Person[] }>(`${account.sim.url}/__admin/state`)).persons;
  const queastIdOf = (p: Person | undefined) => p?.custom_fields[account.env.PIPEDRIVE_FIELD_PERSON_QUEAST_ID as string] ?? null;
  const linkOf = (key: string) => findLinkByLocal(scope, { object: 'queast.people', key }, { connector: 'pipedrive', object: 'persons' });
  const runner = () => runtime.runners.find((r) => r.progress.pipeline === PIPELINE);

  beforeAll(async () => {
    urls = await prepareBackend('sqlite', 'identity-pipedrive-people');
    account = await startPipedriveAccount();
    const people: Array<[string, Array<{ value: string; primary: boolean; label: string }>]> = [
      ['Ada Lovelace', [{ value: 'ada@analytical.example', primary: true, label: 'work' }, { value: 'ada@home.example', primary: false, label: 'home' }]],
      ['Sales Desk', [{ value: 'hello@shared.example', primary: true, label: 'work' }]],
      ['Sales Desk (old)', [{ value: 'hello@shared.example', primary: true, label: 'work' }]],
    ];
    for (const [name, emails] of people) {
      const { data } = await callJson<{ data: { id: number } }>(`${account.sim.url}/api/v2/persons`, { method: 'POST', headers: { 'x-api-token': account.sim.apiToken }, body: { name, emails } });
      ids[name] = data.id;
    }
    queast = openLocal(urls.local);
    await createQueastPeople(queast);
    await queast('people').insert([
      { id: 'qp-1', first_name: 'Ada', last_name: 'King', email: ' Ada@Analytical.example', updated_at: '2026-05-01T09:01:00.000Z' },
      { id: 'qp-2', full_name: 'Sam Seller', email: 'hello@shared.example', updated_at: '2026-05-01T09:02:00.000Z' },
      { id: 'qp-3', first_name: 'Katherine', last_name: 'Johnson', email: 'kj@nasa.example', updated_at: '2026-05-01T09:03:00.000Z' },
    ]);
    runtime = await Runtime.create({ project: await loadProject(SPECS), store: urls.store, env: { QUEAST_DATABASE_URL: urls.local, SYNCD_SECRET_KEY: urls.secretKey, ...account.env } });
    scope = runtime.store.forTenant('default');
  });

  afterAll(async () => {
    await runtime?.close();
    await queast?.destroy();
    await account?.sim.close();
    await urls?.cleanup();
  });

  it('patches the person found by e-mail, creates the new one, and holds back the shared address', async () => {
    const before = await persons();
    expect(await runner()?.runOnce()).toBe(true);
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
    const pending = await listCandidates(scope, { status: 'pending' });
    // Both persons holding the address are listed for the operator to choose from.
    expect(pending.map((c) => [c.local.key, c.remote.id]).sort()).toEqual([
      ['qp-2', String(ids['Sales Desk'])],
      ['qp-2', String(ids['Sales Desk (old)'])],
    ]);
    expect(await linkOf('qp-2')).toBeUndefined();
    expect(runner()?.progress).toMatchObject({ awaitingReview: 1, written: 2, failed: 0 });
  });

  it('writes a later change of the Queast address to the linked person, and nothing else', async () => {
    await queast('people').where({ id: 'qp-3' }).update({ email: 'katherine@nasa.example', updated_at: '2026-05-01T10:00:00.000Z' });
    const before = await persons();
    expect(await runner()?.runOnce()).toBe(true);
    const after = await persons();
    expect(after).toHaveLength(before.length);
    const katherine = after.find((p) => queastIdOf(p) === 'qp-3');
    expect(katherine?.emails.map((e) => e.value)).toEqual(['katherine@nasa.example']);
    expect(after.find((p) => p.id === ids['Ada Lovelace'])?.emails).toHaveLength(2);
  });
});
