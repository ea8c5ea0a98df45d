/**
 * The Quotey scenario on Salesforce, with the shipped connector and pipeline files: an
 * opportunity bound to a quote in Salesforce brings its id, stage and close date back to the
 * quote (SOQL polling); the quote is then upserted into a Quote__c record by its Quotey id, in an
 * sObject Collection, bound to that opportunity. The simulator speaks OAuth and rotates refresh
 * tokens; the state store is SQLite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { Runtime } from '../../src/engine/runtime.js';
import { loadProject } from '../../src/engine/project.js';
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../src/simulators/salesforce/index.js';
import type { Scope } from '../../src/state/scope.js';
import { findLinkByLocal, type Link } from '../../src/state/links.js';
import { listReconciliationItems } from '../../src/state/reconciliation.js';
import { callJson } from '../conformance/support/http.js';
import { createQuoteyQuotes, openLocal } from './support/localDb.js';
import { salesforceEnv } from '../support/salesforceEnv.js';

const SPECS = ['connectors/quotey.yaml', 'connectors/salesforce.yaml', 'pipelines/salesforce-opportunities-quotey.yaml', 'pipelines/quotey-quotes-salesforce.yaml'];
const QUOTES = { connector: 'salesforce', object: 'Quote__c' };

describe('Quotey ↔ Salesforce opportunities and quotes', () => {
  let dir: string;
  let sim: RunningSalesforceSimulator;
  let quotey: Knex;
  let runtime: Runtime;
  let scope: Scope;
  let opportunity: string;

  const run = async (pipeline: string): Promise<void> => {
    const runner = runtime.runner(pipeline);
    expect(await runner.runOnce()).toBe(true);
  };
  const admin = <T>(method: string, route: string, body?: unknown) => callJson<T>(`${sim.url}/__admin/${route}`, { method, ...(body === undefined ? {} : { body }) });
  const sfRecord = (object: string, id: string) => admin<Record<string, unknown>>('GET', `records/${object}/${id}`);
  const quote = async (id: string) => (await quotey('quotes').where({ id }).first()) as Record<string, unknown> | undefined;
  const linkOf = async (id: string): Promise<Link> => {
    const link = await findLinkByLocal(scope, { object: 'quotey.quotes', key: id }, QUOTES);
    if (!link) throw new Error(`quote ${id} is not linked to a Quote__c`);
    return link;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'syncd-quotey-sf-'));
    sim = await startSalesforceSimulator({ config: { rotateRefreshTokens: true } });
    const quoteyUrl = path.join(dir, 'quotey.db');
    quotey = openLocal(quoteyUrl);
    await createQuoteyQuotes(quotey);
    await quotey('quotes').insert({ id: 'Q-7', version: 1, title: 'Fleet renewal', state: 'sent', total: 1000, currency: 'EUR', updated_at: '2026-03-01T10:00:00.000Z' });
    // A sales rep opens the opportunity in Salesforce and binds it to the quote.
    opportunity = (await admin<{ Id: string }>('POST', 'records/Opportunity', { Name: 'Fleet renewal', StageName: 'Prospecting', CloseDate: '2026-05-31', Quotey_Quote_Id__c: 'Q-7' })).Id;
    runtime = await Runtime.create({
      project: await loadProject(SPECS),
      store: path.join(dir, 'state.db'),
      env: {
        QUOTEY_DATABASE_URL: quoteyUrl,
        ...salesforceEnv(sim),
        SYNCD_SECRET_KEY: randomBytes(32).toString('base64'),
      },
    });
    scope = runtime.store.forTenant('default');
  });

  afterAll(async () => {
    await runtime?.close();
    await quotey?.destroy();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("brings the opportunity's id, stage and close date back to its quote, and makes no quote of an unknown one", async () => {
    await run('salesforce-opportunities-quotey');
    expect(await quote('Q-7')).toMatchObject({ crm_ref: opportunity, deal_stage: 'Prospecting', close_date: '2026-05-31', total: 1000, version: 1 });
    // The org's fixture opportunity names quote Q-1001, which Quotey does not have: with
    // `onNoMatch: skip` it matches nothing; no row is made of its stage alone, nothing fails.
    expect(await quotey('quotes').pluck('id')).toEqual(['Q-7']);
    expect(await listReconciliationItems(scope, { pipeline: 'salesforce-opportunities-quotey' })).toEqual([]);
    expect(runtime.runner('salesforce-opportunities-quotey').progress).toMatchObject({ written: 1, skipped: 2, rejected: 0 });
  });

  it('upserts the quote into a Quote__c bound to that opportunity', async () => {
    await run('quotey-quotes-salesforce');
    const link = await linkOf('Q-7');
    expect(link).toMatchObject({ strategy: 'external_id', pipeline: 'quotey-quotes-salesforce' });
    expect(await sfRecord('Quote__c', link.remote.id)).toMatchObject({ Quotey_Id__c: 'Q-7', Quotey_Version__c: 1, Total__c: 1000, Opportunity__c: opportunity });
  });

  it("overwrites a Salesforce user's edit of the total with the quote's, and records it as drift", async () => {
    const link = await linkOf('Q-7');
    await admin('PATCH', `records/Quote__c/${link.remote.id}`, { Total__c: 999 });
    await quotey('quotes').where({ id: 'Q-7' }).update({ total: 1500, version: 2, updated_at: '2026-03-02T09:00:00.000Z' });
    await run('quotey-quotes-salesforce');
    expect(await sfRecord('Quote__c', link.remote.id)).toMatchObject({ Quotey_Version__c: 2, Total__c: 1500 });
    // Seen because the merge read the Quote__c first (its batch read), not assumed from the base.
    const drift = await listReconciliationItems(scope, { recordKey: 'Q-7', kind: 'drift' });
    expect(drift.map((d) => [d.field, d.payload])).toEqual([['quote.total', expect.objectContaining({ side: 'crm', base: 1000, kept: 1500, overwritten: 999 })]]);
  });

  it('merges an opportunity met for the first time against the quote as it is: a quote bound elsewhere is not rebound', async () => {
    // Q-8 was bound to an opportunity by hand, outside syncd; a rep then names it on another one.
    await quotey('quotes').insert({ id: 'Q-8', version: 1, title: 'Pilot', state: 'sent', total: 50, currency: 'EUR', crm_ref: '0066a00000AAAAAAAA', updated_at: '2026-03-03T10:00:00.000Z' });
    await admin('POST', 'records/Opportunity', { Name: 'Pilot', StageName: 'Qualification', CloseDate: '2026-06-30', Quotey_Quote_Id__c: 'Q-8' });
    await run('salesforce-opportunities-quotey');
    // The binding is immutable: a conflict for an operator, and the quote keeps it.
    expect(await quote('Q-8')).toMatchObject({ crm_ref: '0066a00000AAAAAAAA', deal_stage: null });
    const conflicts = await listReconciliationItems(scope, { recordKey: 'Q-8', kind: 'conflict' });
    expect(conflicts.map((c) => [c.field, (c.payload as { reason?: string }).reason])).toEqual([['deal.crm_ref', expect.stringMatching(/^immutable/)]]);
  });
});
