/** The CRM object types the simulator serves, addressable by name or by type id. */

export interface ObjectType {
  /** Plural path name: `contacts`. */
  name: string;
  /** Type id usable in place of the name: `0-1`. */
  id: string;
  /** Singular form used in webhook event types and association type names: `contact`. */
  singular: string;
  /** Contacts keep their modification date in `lastmodifieddate`, the others in `hs_lastmodifieddate`. */
  modifiedProperty: string;
  /** Creation date property (`hs_createdate` for engagements such as notes and tasks). */
  createdProperty: string;
  /** Properties returned when a read or search names none (FACTS §1.5 "default returned properties"). */
  defaultProperties: string[];
  /** Properties a search `query` string is matched against. */
  queryProperties: string[];
}

export const OBJECT_TYPES: readonly ObjectType[] = [
  {
    name: 'contacts',
    id: '0-1',
    singular: 'contact',
    modifiedProperty: 'lastmodifieddate',
    createdProperty: 'createdate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    queryProperties: ['firstname', 'lastname', 'email', 'phone', 'company', 'website'],
  },
  {
    name: 'companies',
    id: '0-2',
    singular: 'company',
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'createdate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    queryProperties: ['name', 'domain', 'website', 'phone'],
  },
  {
    name: 'deals',
    id: '0-3',
    singular: 'deal',
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'createdate',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    queryProperties: ['dealname', 'description'],
  },
  {
    name: 'notes',
    id: '0-46',
    singular: 'note',
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    queryProperties: ['hs_note_body'],
  },
  {
    name: 'tasks',
    id: '0-27',
    singular: 'task',
    modifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    queryProperties: ['hs_task_subject', 'hs_task_body'],
  },
];

const BY_KEY = new Map<string, ObjectType>();
for (const t of OBJECT_TYPES) {
  BY_KEY.set(t.name, t);
  BY_KEY.set(t.id, t);
  BY_KEY.set(t.singular, t);
}

/** Resolves `contacts`, `contact` or `0-1` (case-insensitively) to its object type. */
export function objectType(key: string): ObjectType | undefined {
  return BY_KEY.get(key) ?? BY_KEY.get(key.toLowerCase());
}
