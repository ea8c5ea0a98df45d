/**
 * Field references with the shipped Queast → Pipedrive pipelines: a Smart Signal becomes a note on
 * its company's organization, and a person is written with it, by the CRM id the companies
 * pipeline linked the company to. A record whose company is not in Pipedrive yet waits, unwritten,
 * and is written at the first poll after its company is, though its source cursor has moved on.
 */
import { listReferenceWaits, summarizeReferenceWaits } from '../../src/state/referenceWaits.js';
import { findLinkByLocal } from '../../src/state/links.js';
import { runStatus } from '../../src/cli/commands/operator.js';
import { runPlan } from '../../src/cli/commands/plan.js';
import { createQueastCompanies, createQueastPeople, createQueastSignals } from './support/localDb.js';
import { startQueastPipedrive, type QueastPipedrive } from './support/queastPipedrive.js';

interface Note {
  id: number;
  content: string;
  org_id: number | null;
}
interface Person {
  id: number;
  name: string;
  org_id: number | null;
}

describe('records referencing a company, written to Pipedrive through its link', () => {
  let h: QueastPipedrive;
  const companies = () => h.runnerOf('queast-companies-pipedrive');
  const people = () => h.runnerOf('queast-people-pipedrive');
  const orgOf = async (key: string) => Number((await findLinkByLocal(h.scope, { object: 'queast.companies', key }, { connector: 'pipedrive', object: 'organizations' }))?.remote.id);
  const ourNotes = async () => (await h.records<Note>('notes')).filter((n) => n.content.startsWith('funding:') || n.content.startsWith('hiring:'));
  const waiting = async () => (await listReferenceWaits(h.scope)).map((w) => `${w.pipeline} ${w.recordKey} → ${w.local.key}`);

  beforeAll(async () => {
    h = await startQueastPipedrive(
      'queast-signals-pipedrive',
      async ({ queast }) => {
        await createQueastCompanies(queast);
        await createQueastPeople(queast);
        await createQueastSignals(queast);
        await queast('companies').insert([{ id: 'qc-1', name: 'Quuxotic Instruments', updated_at: '2026-05-01T09:00:00.000Z' }]);
        await queast('people').insert([
          { id: 'qp-1', full_name: 'Grace Hopper', email: 'grace@quuxotic.example', company_id: 'qc-1', updated_at: '2026-05-01T09:00:00.000Z' },
          { id: 'qp-2', full_name: 'Alan Turing', email: 'alan@zorblex.example', company_id: 'qc-2', updated_at: '2026-05-01T09:01:00.000Z' },
          { id: 'qp-3', full_name: 'Lone Freelancer', email: 'lone@self.example', updated_at: '2026-05-01T12:00:00.000Z' },
        ]);
        await queast('signals').insert([
          { id: 'qs-1', company_id: 'qc-1', kind: 'funding', headline: 'Series B', detected_at: '2026-05-01T08:00:00.000Z', updated_at: '2026-05-01T09:00:00.000Z' },
          { id: 'qs-2', company_id: 'qc-2', kind: 'hiring', headline: '12 open roles', detected_at: '2026-05-01T08:00:00.000Z', updated_at: '2026-05-01T09:01:00.000Z' },
          // Hours later: the cursor moves past the others' lookback, so only their waits bring them back.
          { id: 'qs-3', company_id: 'qc-1', kind: 'hiring', headline: 'New CTO', detected_at: '2026-05-01T11:00:00.000Z', updated_at: '2026-05-01T12:00:00.000Z' },
        ]);
      },
      ['queast-companies-pipedrive', 'queast-people-pipedrive'],
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows in a plan which records would wait, and for which record', async () => {
    for (const [k, v] of Object.entries(h.env)) vi.stubEnv(k, v);
    let out = '';
    try {
      const paths = ['connectors/queast.yaml', 'connectors/pipedrive.yaml', ...['queast-signals-pipedrive', 'queast-companies-pipedrive'].map((p) => `pipelines/${p}.yaml`)];
      expect(await runPlan({ pipeline: 'queast-signals-pipedrive', paths, store: h.storeUrl, tenant: 'default', limit: 50, json: false }, { out: (t) => void (out += t), err: () => undefined })).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(out).toContain('would write 0,');
    expect(out).toContain('waiting for a referenced record 3');
    expect(out).toContain('qs-2  waits: signal.org names qc-2, which queast-companies-pipedrive has not linked yet');
    expect(await waiting()).toEqual([]);
  });

  it('holds back every record whose company has no organization yet, and writes the one without a company', async () => {
    expect(await h.runner.runOnce()).toBe(true);
    expect(await people().runOnce()).toBe(true);
    expect(await ourNotes()).toEqual([]);
    expect(await waiting()).toEqual([
      'queast-people-pipedrive qp-1 → qc-1',
      'queast-people-pipedrive qp-2 → qc-2',
      'queast-signals-pipedrive qs-1 → qc-1',
      'queast-signals-pipedrive qs-2 → qc-2',
      'queast-signals-pipedrive qs-3 → qc-1',
    ]);
    expect(h.runner.progress).toMatchObject({ read: 3, awaitingReference: 3, written: 0 });
    const lone = (await h.records<Person>('persons')).filter((p) => p.name === 'Lone Freelancer');
    expect(lone.map((p) => p.org_id)).toEqual([null]);
    expect(await summarizeReferenceWaits(h.scope)).toEqual([
      expect.objectContaining({ pipeline: 'queast-people-pipedrive', reference: 'queast-companies-pipedrive', records: 2 }),
      expect.objectContaining({ pipeline: 'queast-signals-pipedrive', reference: 'queast-companies-pipedrive', records: 3 }),
    ]);
    let status = '';
    expect(await runStatus({ store: h.storeUrl, tenant: 'default', json: false }, { out: (t) => void (status += t), err: () => undefined })).toBe(0);
    expect(status).toContain('3 record(s) of queast-signals-pipedrive wait for the record they reference to be linked by queast-companies-pipedrive');
  });

  it('writes them with the organization once their company is linked, and keeps the others waiting', async () => {
    expect(await companies().runOnce()).toBe(true);
    const org = await orgOf('qc-1');
    expect(org).toBeGreaterThan(0);

    expect(await h.runner.runOnce()).toBe(true);
    expect(await people().runOnce()).toBe(true);
    expect((await ourNotes()).map((n) => [n.content, n.org_id]).sort()).toEqual([
      ['funding: Series B', org],
      ['hiring: New CTO', org],
    ]);
    const grace = (await h.records<Person>('persons')).filter((p) => p.name === 'Grace Hopper');
    expect(grace.map((p) => p.org_id)).toEqual([org]);
    expect(await waiting()).toEqual(['queast-people-pipedrive qp-2 → qc-2', 'queast-signals-pipedrive qs-2 → qc-2']);
    expect(h.runner.progress).toMatchObject({ awaitingReference: 1, written: 2 });
  });

  it('writes the last ones when their company arrives later, each once', async () => {
    await h.queast('companies').insert({ id: 'qc-2', name: 'Zorblex Dynamics', updated_at: '2026-05-01T13:00:00.000Z' });
    expect(await companies().runOnce()).toBe(true);
    const org = await orgOf('qc-2');

    expect(await h.runner.runOnce()).toBe(true);
    expect(await people().runOnce()).toBe(true);
    expect((await ourNotes()).filter((n) => n.org_id === org).map((n) => n.content)).toEqual(['hiring: 12 open roles']);
    expect((await h.records<Person>('persons')).filter((p) => p.name === 'Alan Turing').map((p) => p.org_id)).toEqual([org]);
    expect(await waiting()).toEqual([]);
    expect(h.runner.progress).toMatchObject({ awaitingReference: 0, written: 3 });

    // Nothing is written twice when the pipelines poll again.
    expect(await h.runner.runOnce()).toBe(true);
    expect(await people().runOnce()).toBe(true);
    expect(await ourNotes()).toHaveLength(3);
    expect(h.runner.progress.written).toBe(3);
  });
});
