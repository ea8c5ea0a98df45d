/**
 * Deterministic starting data: the same seed gives the same custom field hashes, records, ids and
 * timestamps. A fixtures folder (`SimulatorOptions.fixturesDir`) may replace the generated records
 * with `organizations.json`, `persons.json`, `deals.json` and `notes.json`, each an array of
 * create bodies (links given as ids of records created earlier in the same folder).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex, seededRandom } from '../kit/rng.js';
import type { ResolvedPipedriveConfig } from './config.js';
import { standardFields, type CustomFieldType, type FieldDefinition, type FieldOption } from './fields.js';
import { v1Time, type EntityName } from './records.js';
import { PipedriveStore } from './store.js';

interface CustomFieldSeed {
  name: string;
  type: CustomFieldType;
  options?: string[];
}

const CUSTOM_FIELDS: Record<EntityName, CustomFieldSeed[]> = {
  organizations: [
    { name: 'Queast ID', type: 'varchar' },
    { name: 'LinkedIn URL', type: 'varchar' },
    { name: 'Tier', type: 'enum', options: ['Strategic', 'Core', 'Long tail'] },
    { name: 'Headcount', type: 'double' },
  ],
  persons: [
    { name: 'Queast ID', type: 'varchar' },
    { name: 'LinkedIn URL', type: 'varchar' },
    { name: 'Seniority', type: 'enum', options: ['Junior', 'Senior', 'Executive'] },
  ],
  deals: [
    { name: 'Signal', type: 'text' },
    { name: 'Signal score', type: 'double' },
    { name: 'Channels', type: 'set', options: ['Email', 'Phone', 'Event'] },
    { name: 'Renewal date', type: 'date' },
  ],
};

const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Wonka'];
const COMPANY_SUFFIX = ['GmbH', 'Ltd', 'Inc', 'AB', 'Oy', 'SAS', 'BV'];
const FIRST = ['Anna', 'Ben', 'Chloé', 'Dmitri', 'Eva', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kaija', 'Luis', 'Mia', 'Noah'];
const LAST = ['Schmidt', 'Virtanen', 'García', 'Novak', 'Okafor', 'Rossi', 'Dubois', 'Andersson', 'Tanaka', 'Müller', 'Silva'];

export function buildStore(config: ResolvedPipedriveConfig, seed: number, fixturesDir: string | undefined): PipedriveStore {
  const store = new PipedriveStore(config);
  const rand = seededRandom(seed ^ 0x91be);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

  const fieldTime = store.clock.peek().toISOString();
  for (const entity of ['organizations', 'persons', 'deals'] as const) {
    const std = standardFields(entity, store.fieldIds.take(), fieldTime);
    for (let i = 1; i < std.length; i++) store.fieldIds.take();
    store.fields[entity].push(...std);
    for (const seedField of CUSTOM_FIELDS[entity]) {
      let optionId = 1;
      const options: FieldOption[] | null = seedField.options ? seedField.options.map((label) => ({ id: optionId++, label })) : null;
      const def: FieldDefinition = {
        id: store.fieldIds.take(),
        code: randomHex(rand, 40),
        name: seedField.name,
        type: seedField.type,
        custom: true,
        options,
        addTime: fieldTime,
      };
      store.addCustomField(entity, def);
    }
  }

  const files = fixturesDir ? readFixtureFiles(fixturesDir) : undefined;
  if (files) {
    for (const entity of ['organizations', 'persons', 'deals'] as const) for (const body of files[entity]) store.create(entity, body, 'app');
    for (const body of files.notes) addNote(store, body as NoteSeed);
    return store;
  }

  const { fixtures } = config;
  const custom = (entity: EntityName, name: string): FieldDefinition =>
    store.fields[entity].find((f) => f.custom && f.name === name) as FieldDefinition;

  const orgIds: number[] = [];
  for (let i = 0; i < fixtures.organizations; i++) {
    const name = `${pick(COMPANY_WORDS)} ${pick(COMPANY_WORDS)} ${pick(COMPANY_SUFFIX)}`;
    const slug = name.toLowerCase().replace(/[^a-z]+/g, '');
    const org = store.create(
      'organizations',
      {
        name,
        website: `https://${slug}${i}.example`,
        address: { value: `${1 + Math.floor(rand() * 200)} Main Street, Helsinki`, locality: 'Helsinki', country: 'Finland' },
        custom_fields: {
          [custom('organizations', 'Queast ID').code]: `q-org-${i + 1}`,
          [custom('organizations', 'Tier').code]: 1 + Math.floor(rand() * 3),
          [custom('organizations', 'Headcount').code]: 10 + Math.floor(rand() * 5000),
        },
      },
      'app',
    );
    orgIds.push(org.id);
  }

  const personIds: number[] = [];
  for (let i = 0; i < fixtures.persons; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const person = store.create(
      'persons',
      {
        name: `${first} ${last}`,
        emails: [{ value: `${first}.${last}.${i}@mail.example`.toLowerCase(), primary: true, label: 'work' }],
        phones: rand() < 0.5 ? [{ value: `+358 40 ${String(1_000_000 + i)}`, primary: true, label: 'mobile' }] : [],
        ...(orgIds.length > 0 && rand() < 0.8 ? { org_id: pick(orgIds) } : {}),
        custom_fields: { [custom('persons', 'Queast ID').code]: `q-person-${i + 1}` },
      },
      'app',
    );
    personIds.push(person.id);
  }

  for (let i = 0; i < fixtures.deals; i++) {
    const orgId = orgIds.length > 0 ? pick(orgIds) : undefined;
    store.create(
      'deals',
      {
        title: `Deal ${i + 1}: ${pick(COMPANY_WORDS)} expansion`,
        value: Math.round(rand() * 100_000),
        ...(orgId !== undefined ? { org_id: orgId } : {}),
        ...(personIds.length > 0 && rand() < 0.7 ? { person_id: pick(personIds) } : {}),
        stage_id: 1 + Math.floor(rand() * 5),
        custom_fields: { [custom('deals', 'Signal score').code]: Math.round(rand() * 100) / 10 },
      },
      'app',
    );
  }

  for (let i = 0; i < fixtures.notes; i++) {
    addNote(store, {
      content: `<p>Fixture note ${i + 1}</p>`,
      ...(orgIds.length > 0 ? { org_id: pick(orgIds) } : {}),
    });
  }
  return store;
}

export interface NoteSeed {
  content: string;
  org_id?: number;
  person_id?: number;
  deal_id?: number;
  lead_id?: string;
}

/** Adds a note; links are checked by the caller (the API route), not here. */
export function addNote(store: PipedriveStore, seed: NoteSeed): number {
  const time = v1Time(store.clock.tick());
  const id = store.noteIds.take();
  store.notes.set(id, {
    id,
    content: seed.content,
    org_id: seed.org_id ?? null,
    person_id: seed.person_id ?? null,
    deal_id: seed.deal_id ?? null,
    lead_id: seed.lead_id ?? null,
    user_id: store.config.company.userId,
    add_time: time,
    update_time: time,
    active_flag: true,
    pinned_to_organization_flag: false,
    pinned_to_person_flag: false,
    pinned_to_deal_flag: false,
  });
  return id;
}

function readFixtureFiles(dir: string): Record<EntityName | 'notes', unknown[]> {
  const read = (name: string): unknown[] => {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) return [];
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of records`);
    return parsed;
  };
  return { organizations: read('organizations'), persons: read('persons'), deals: read('deals'), notes: read('notes') };
}
