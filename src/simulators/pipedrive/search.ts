/**
 * `GET /api/v2/{entity}/search`: case-insensitive matching over the entity's searchable fields,
 * scored so whole-field matches rank above partial ones. Results are immediate; the live index's
 * delay is not simulated. The scoring formula is the simulator's own.
 */
import { ENTITIES } from './entities.js';
import type { Query } from './gate.js';
import { decodeOffset, encodeOffset, parseLimit } from './listing.js';
import { ValidationError, type EntityName, type Row } from './records.js';
import type { PipedriveStore } from './store.js';

export interface SearchHit {
  result_score: number;
  item: Record<string, unknown>;
}

export function search(store: PipedriveStore, entity: EntityName, q: Query): { items: SearchHit[]; nextCursor: string | null } {
  const spec = ENTITIES[entity];
  const term = (q.term ?? '').trim();
  const exact = q.exact_match === 'true' || q.exact_match === '1';
  if (term.length < (exact ? 1 : 2)) {
    throw new ValidationError('Validation failed: term: must be at least 2 characters long (1 with exact_match)');
  }
  const limit = parseLimit(q.limit);
  const offset = q.cursor ? decodeOffset(q.cursor) : 0;
  const allowed = spec.searchFields;
  const fields = q.fields ? q.fields.split(',').map((f) => f.trim()) : allowed;
  for (const f of fields) if (!allowed.includes(f)) throw new ValidationError(`Validation failed: fields: ${f} is not searchable`);
  const needle = term.toLowerCase();
  const orgFilter = q.organization_id ? Number(q.organization_id) : undefined;
  const personFilter = q.person_id ? Number(q.person_id) : undefined;

  const hits: SearchHit[] = [];
  for (const row of store.sorted(entity, 'id')) {
    if (row.is_deleted) continue;
    if (orgFilter !== undefined && row.org_id !== orgFilter) continue;
    if (personFilter !== undefined && row.person_id !== personFilter) continue;
    if (entity === 'deals' && q.status && row.status !== q.status) continue;
    const text = spec.searchText(row);
    let score = 0;
    for (const f of fields) {
      for (const value of text[f] ?? []) {
        const v = value.toLowerCase();
        if (v === needle) score = Math.max(score, 1);
        else if (!exact && v.includes(needle)) score = Math.max(score, needle.length / v.length);
      }
    }
    if (score > 0) hits.push({ result_score: Math.round(score * 10000) / 10000, item: searchItem(store, entity, row) });
  }
  // Search pages are ranked, not keyed, so their cursor is an offset into the ranking.
  hits.sort((a, b) => b.result_score - a.result_score || (a.item.id as number) - (b.item.id as number));
  const page = hits.slice(offset, offset + limit);
  const nextCursor = offset + limit < hits.length ? encodeOffset(offset + limit) : null;
  return { items: page, nextCursor };
}

function searchItem(store: PipedriveStore, entity: EntityName, row: Row): Record<string, unknown> {
  const customValues = Object.values(row.custom_fields)
    .filter((v) => typeof v === 'string' || typeof v === 'number')
    .map(String);
  const org = row.org_id != null ? store.get('organizations', row.org_id as number) : undefined;
  switch (entity) {
    case 'organizations':
      return {
        id: row.id,
        type: 'organization',
        name: row.name,
        address: (row.address as { value?: string } | null)?.value ?? null,
        visible_to: row.visible_to,
        owner: { id: row.owner_id },
        custom_fields: customValues,
        notes: [],
      };
    case 'persons':
      return {
        id: row.id,
        type: 'person',
        name: row.name,
        phones: (row.phones as { value: string }[]).map((p) => p.value),
        emails: (row.emails as { value: string }[]).map((e) => e.value),
        visible_to: row.visible_to,
        owner: { id: row.owner_id },
        organization: org ? { id: org.id, name: org.name } : null,
        custom_fields: customValues,
        notes: typeof row.notes === 'string' ? [row.notes] : [],
      };
    case 'deals': {
      const person = row.person_id != null ? store.get('persons', row.person_id as number) : undefined;
      return {
        id: row.id,
        type: 'deal',
        title: row.title,
        value: row.value,
        currency: row.currency,
        status: row.status,
        visible_to: row.visible_to,
        owner: { id: row.owner_id },
        stage: { id: row.stage_id, name: `Stage ${String(row.stage_id)}` },
        person: person ? { id: person.id, name: person.name } : null,
        organization: org ? { id: org.id, name: org.name } : null,
        custom_fields: customValues,
        notes: [],
        is_archived: row.is_archived,
      };
    }
  }
}
