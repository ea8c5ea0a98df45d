/**
 * The records an org starts with and returns to on reset. Fixture records are written in
 * create-request form; a value `"@Account:0"` stands for the id of the first Account fixture, so
 * fixtures can reference each other without knowing seeded ids. Fixture timestamps are fixed
 * instants before the record clock starts, one minute apart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRecord } from './dml.js';
import { SfRecordError } from './errors.js';
import type { SalesforceOrg } from './org.js';
import { formatDateTime } from './values.js';

export type FixtureSet = Record<string, Array<Record<string, unknown>>>;

const FIXTURE_EPOCH = Date.parse('2025-12-01T00:00:00.000Z');

/**
 * Two quote versions share `Quotey_Id__c` `Q-1001`, so an upsert by that field alone answers 300.
 */
export function defaultFixtures(): FixtureSet {
  return {
    Account: [
      { Name: 'Acme Corporation', Industry: 'Technology', Website: 'https://acme.example', BillingCountry: 'United States', NumberOfEmployees: 420 },
      { Name: 'Globex', Industry: 'Manufacturing', Website: 'https://globex.example', BillingCountry: 'Germany', NumberOfEmployees: 1200 },
      { Name: 'Initech', Industry: 'Banking', BillingCountry: 'United Kingdom' },
    ],
    Contact: [
      { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@acme.example', Title: 'CTO', AccountId: '@Account:0' },
      { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@globex.example', Title: 'VP Engineering', AccountId: '@Account:1' },
      { FirstName: 'Alan', LastName: 'Turing', Email: 'alan@acme.example', AccountId: '@Account:0' },
    ],
    Opportunity: [
      { Name: 'Acme - Platform renewal', AccountId: '@Account:0', StageName: 'Proposal/Price Quote', CloseDate: '2026-03-31', Amount: 48000, Quotey_Quote_Id__c: 'Q-1001', Quote_Total__c: 48000 },
      { Name: 'Globex - Expansion', AccountId: '@Account:1', StageName: 'Negotiation/Review', CloseDate: '2026-02-15', Amount: 12000 },
    ],
    Quote__c: [
      { Opportunity__c: '@Opportunity:0', Quotey_Id__c: 'Q-1001', Quotey_Version__c: 1, Total__c: 45000, Status__c: 'Sent', Valid_Until__c: '2026-01-31' },
      { Opportunity__c: '@Opportunity:0', Quotey_Id__c: 'Q-1001', Quotey_Version__c: 2, Total__c: 48000, Status__c: 'Draft', Valid_Until__c: '2026-02-28' },
    ],
  };
}

/** Fixtures from configuration, else `salesforce.json` in the kit's fixtures folder, else the built-in set. */
export function chooseFixtures(org: SalesforceOrg): FixtureSet {
  if (org.config.fixtures) return org.config.fixtures;
  const dir = org.kit.options.fixturesDir;
  if (dir) {
    const file = join(dir, 'salesforce.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as FixtureSet;
  }
  return defaultFixtures();
}

export function loadFixtures(org: SalesforceOrg, fixtures: FixtureSet): void {
  const ids = new Map<string, string[]>();
  const tx = org.store.begin();
  const ctx = { org, tx, actorId: org.config.userId };
  let n = 0;
  for (const [sobject, records] of Object.entries(fixtures)) {
    const table = org.store.table(sobject);
    if (!table) throw new Error(`salesforce simulator: fixtures name unknown object ${sobject}`);
    const made: string[] = [];
    ids.set(table.def.name, made);
    for (const input of records) {
      const resolved = Object.fromEntries(
        Object.entries(input).map(([k, v]) => {
          const m = typeof v === 'string' ? /^@(\w+):(\d+)$/.exec(v) : null;
          if (!m) return [k, v];
          const ref = ids.get(org.store.table(m[1] as string)?.def.name ?? '')?.[Number(m[2])];
          if (!ref) throw new Error(`salesforce simulator: fixture reference ${v} does not name an earlier fixture`);
          return [k, ref];
        }),
      );
      try {
        made.push(createRecord(ctx, table, resolved, { id: org.newFixtureId(table.def), stamp: formatDateTime(FIXTURE_EPOCH + n * 60_000) }));
      } catch (err) {
        if (err instanceof SfRecordError) throw new Error(`salesforce simulator: fixture ${sobject}[${made.length}] is invalid: ${err.error.errorCode} ${err.error.message}`);
        throw err;
      }
      n += 1;
    }
  }
}
