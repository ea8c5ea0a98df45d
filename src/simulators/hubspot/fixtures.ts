/**
 * Deterministic fixtures loaded at start and on `POST /__admin/reset`: a few companies, contacts,
 * deals and a note, associated. A `fixturesDir` replaces them with `<objectType>.json` files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubspotContext } from './context.js';
import { objectType, OBJECT_TYPES, type ObjectType } from './objectTypes.js';
import { pairTypes } from './associationStore.js';
import { commitCreate, prepareCreate } from './writes.js';

/**
 * One record of a fixture file `<objectType>.json` (an array of these). Associations name the
 * target by object type and fixture id; the pair's default (unlabeled) type is used unless given.
 */
export interface FixtureRecord {
  id?: string;
  properties: Record<string, string | number | boolean | null>;
  associations?: Array<{ toObjectType: string; toId: string; associationTypeId?: number }>;
}

const BUILT_IN: Record<string, FixtureRecord[]> = {
  companies: [
    { id: '1001', properties: { name: 'Biglytics', domain: 'biglytics.net', city: 'Cambridge', industry: 'Software', numberofemployees: 120 } },
    { id: '1002', properties: { name: 'Smalllytics', domain: 'smalllytics.io', city: 'Dublin', industry: 'Consulting', numberofemployees: 8 } },
    { id: '1003', properties: { name: 'Acme Widgets', domain: 'acme-widgets.example', city: 'Berlin', industry: 'Manufacturing', numberofemployees: 450 } },
  ],
  contacts: [
    { id: '2001', properties: { email: 'bcooper@biglytics.net', firstname: 'Bryan', lastname: 'Cooper', company: 'Biglytics', lifecyclestage: 'customer' }, associations: [{ toObjectType: 'companies', toId: '1001', associationTypeId: 1 }] },
    { id: '2002', properties: { email: 'ada@smalllytics.io', firstname: 'Ada', lastname: 'Lovelace', company: 'Smalllytics', lifecyclestage: 'lead' }, associations: [{ toObjectType: 'companies', toId: '1002', associationTypeId: 1 }] },
    { id: '2003', properties: { email: 'grace@acme-widgets.example', firstname: 'Grace', lastname: 'Hopper', company: 'Acme Widgets', lifecyclestage: 'opportunity' }, associations: [{ toObjectType: 'companies', toId: '1003', associationTypeId: 1 }] },
    { id: '2004', properties: { email: 'alan@biglytics.net', firstname: 'Alan', lastname: 'Turing', lifecyclestage: 'subscriber' } },
    { id: '2005', properties: { email: 'edsger@example.org', firstname: 'Edsger', lastname: 'Dijkstra' } },
  ],
  deals: [
    { id: '3001', properties: { dealname: 'Biglytics renewal', amount: '12000', pipeline: 'default', dealstage: 'contractsent', closedate: '2026-03-31T00:00:00.000Z' }, associations: [{ toObjectType: 'companies', toId: '1001', associationTypeId: 5 }, { toObjectType: 'contacts', toId: '2001' }] },
    { id: '3002', properties: { dealname: 'Smalllytics pilot', amount: '1500', pipeline: 'default', dealstage: 'qualifiedtobuy' }, associations: [{ toObjectType: 'companies', toId: '1002', associationTypeId: 5 }] },
    { id: '3003', properties: { dealname: 'Acme expansion', amount: '48000.50', pipeline: 'default', dealstage: 'appointmentscheduled', dealtype: 'existingbusiness' }, associations: [{ toObjectType: 'companies', toId: '1003', associationTypeId: 5 }] },
  ],
  notes: [
    { id: '4001', properties: { hs_note_body: 'Kick-off call went well.', hs_timestamp: '2026-01-02T10:00:00.000Z' }, associations: [{ toObjectType: 'companies', toId: '1001' }] },
  ],
};

function readFixtureDir(dir: string): Record<string, FixtureRecord[]> {
  const out: Record<string, FixtureRecord[]> = {};
  for (const t of OBJECT_TYPES) {
    const file = join(dir, `${t.name}.json`);
    if (!existsSync(file)) continue;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of records`);
    out[t.name] = parsed as FixtureRecord[];
  }
  return out;
}

/** Loads fixtures into an empty store. Invalid fixtures fail loudly with the file's object type. */
export function loadFixtures(ctx: HubspotContext, fixturesDir: string | undefined): void {
  const sets = fixturesDir ? readFixtureDir(fixturesDir) : BUILT_IN;
  const pending: Array<{ from: ObjectType; id: string; links: NonNullable<FixtureRecord['associations']> }> = [];
  for (const t of OBJECT_TYPES) {
    for (const f of sets[t.name] ?? []) {
      let rec;
      try {
        rec = commitCreate(ctx, t, prepareCreate(ctx, t, { properties: f.properties }), undefined, f.id);
      } catch (e) {
        throw new Error(`fixture ${t.name} ${f.id ?? ''}: ${(e as Error).message}`);
      }
      if (f.associations) pending.push({ from: t, id: rec.id, links: f.associations });
    }
  }
  for (const p of pending) {
    for (const l of p.links) {
      const to = objectType(l.toObjectType);
      const pair = to ? pairTypes(p.from, to) : undefined;
      if (!to || !pair || !ctx.records.get(to, l.toId)) throw new Error(`fixture ${p.from.name} ${p.id}: cannot associate with ${l.toObjectType} ${l.toId}`);
      ctx.associations.add(p.from, p.id, to, l.toId, [l.associationTypeId ?? pair.unlabeled]);
    }
  }
}
