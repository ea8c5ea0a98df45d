/**
 * Identity matching against Pipedrive with the shipped Queast → Pipedrive organizations pipeline:
 * an organization Pipedrive already has is found by its name and patched (custom Queast id set),
 * a new one is created, and a name in the review band waits for an operator.
 */
import { findLinkByLocal } from '../../src/state/links.js';
import { listCandidates } from '../../src/state/reviewQueue.js';
import { createQueastCompanies } from './support/localDb.js';
import { startQueastPipedrive, type QueastPipedrive } from './support/queastPipedrive.js';

interface Organization {
  id: number;
  name: string;
  custom_fields: Record<string, unknown>;
}

describe('identity matching against Pipedrive', () => {
  let h: QueastPipedrive;
  const ids: Record<string, number> = {};

  const organizations = () => h.records<Organization>('organizations');
  const queastIdOf = (o: Organization | undefined) => o?.custom_fields[h.account.env.PIPEDRIVE_FIELD_ORG_QUEAST_ID as string] ?? null;

  beforeAll(async () => {
    h = await startQueastPipedrive('queast-companies-pipedrive', async ({ queast, create }) => {
      for (const name of ['Acme Widgets', 'Smalllytics']) ids[name] = await create('organizations', { name });
      await createQueastCompanies(queast);
      // The pipeline's fuzzyName rule keeps the default thresholds: linked from 0.92, reviewed from 0.75.
      await queast('companies').insert([
        { id: 'qc-1', name: 'Acme Widgets GmbH', website: 'https://acme-widgets.de', updated_at: '2026-05-01T09:01:00.000Z' },
        { id: 'qc-2', name: 'Smalllytics Labs', updated_at: '2026-05-01T09:02:00.000Z' },
        { id: 'qc-3', name: 'Umbrella Research', website: 'https://umbrella.com', updated_at: '2026-05-01T09:03:00.000Z' },
      ]);
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('patches the organization Pipedrive has, creates the new one, and holds back the uncertain one', async () => {
    const before = await organizations();
    expect(await h.runner.runOnce()).toBe(true);
    const after = await organizations();
    expect(after).toHaveLength(before.length + 1);

    const acme = after.find((o) => o.id === ids['Acme Widgets']);
    expect(queastIdOf(acme)).toBe('qc-1');
    // The name is merge_with_audit with the CRM winning a conflict.
    expect(acme?.name).toBe('Acme Widgets');
    expect(await findLinkByLocal(h.scope, { object: 'queast.companies', key: 'qc-1' }, { connector: 'pipedrive', object: 'organizations' })).toMatchObject({
      remote: { id: String(ids['Acme Widgets']) },
      strategy: 'fuzzyName',
    });
    expect(after.filter((o) => queastIdOf(o) === 'qc-3').map((o) => o.name)).toEqual(['Umbrella Research']);

    expect(queastIdOf(after.find((o) => o.id === ids.Smalllytics))).toBeNull();
    const pending = await listCandidates(h.scope, { status: 'pending' });
    expect(pending.map((c) => [c.local.key, c.remote.id])).toEqual([['qc-2', String(ids.Smalllytics)]]);
    expect(h.runner.progress).toMatchObject({ awaitingReview: 1, written: 2 });
  });
});
