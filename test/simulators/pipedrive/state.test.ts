import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATIONS, startPipedriveSimulator } from '../../../src/simulators/pipedrive/index.js';
import type { OpenApiDocument } from '../../support/openapi.js';
import { call, checked, specsMissing, v1Spec, v2Spec } from './helpers.js';

describe.skipIf(specsMissing)('Pipedrive operation table', () => {
  it('names real spec operations and charges their x-token-cost', () => {
    for (const op of Object.values(OPERATIONS)) {
      const spec = (op.version === 'v2' ? v2Spec : v1Spec) as OpenApiDocument;
      const declared = spec.operation(op.method, op.path);
      expect({ id: declared.operationId, cost: declared['x-token-cost'] }, `${op.version} ${op.method} ${op.path}`).toEqual({
        id: op.operationId,
        cost: op.tokenCost,
      });
    }
  });
});

describe('Pipedrive admin state and fixtures', () => {
  it('builds the same fixtures for the same seed and restores them on reset', async () => {
    const a = await startPipedriveSimulator({ seed: 42 });
    const b = await startPipedriveSimulator({ seed: 42 });
    const c = await startPipedriveSimulator({ seed: 43 });
    try {
      const state = async (url: string) => (await call(url, 'GET', '/__admin/state')).body;
      const sa = await state(a.url);
      expect(sa.organizations).toHaveLength(30);
      expect(sa.persons).toHaveLength(60);
      expect(sa.deals).toHaveLength(40);
      expect(sa.notes).toHaveLength(20);
      expect(await state(b.url)).toEqual(sa);
      const sc = await state(c.url);
      expect(sc.fields.deals.map((f: { code: string }) => f.code)).not.toEqual(sa.fields.deals.map((f: { code: string }) => f.code));

      await checked(a.url, 'POST', '/api/v2/deals', { token: a.apiToken, body: { title: 'Extra' } });
      await call(a.url, 'PATCH', '/__admin/records/persons/2001', { body: { name: 'Changed' } });
      expect((await state(a.url)).deals).toHaveLength(41);
      await call(a.url, 'POST', '/__admin/reset');
      const reset = await state(a.url);
      expect({ ...reset, usage: sa.usage }).toEqual(sa);
      expect(reset.usage.dailyTokensUsed).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('loads records from a fixtures folder instead of generating them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-fixtures-'));
    writeFileSync(join(dir, 'organizations.json'), JSON.stringify([{ name: 'Only Org' }]));
    writeFileSync(join(dir, 'persons.json'), JSON.stringify([{ name: 'Only Person', org_id: 101 }]));
    const sim = await startPipedriveSimulator({ fixturesDir: dir });
    try {
      const s = (await call(sim.url, 'GET', '/__admin/state')).body;
      expect(s.organizations.map((o: { name: string }) => o.name)).toEqual(['Only Org']);
      expect(s.persons).toEqual([expect.objectContaining({ name: 'Only Person', org_id: 101 })]);
      expect(s.deals).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('adds custom fields as an admin and moves the record clock', async () => {
    const sim = await startPipedriveSimulator();
    try {
      const added = await call(sim.url, 'POST', '/__admin/fields/organizations', { body: { name: 'Segment', type: 'enum', options: ['A', 'B'] } });
      expect(added.body.data.key).toMatch(/^[0-9a-f]{40}$/);
      const org = await checked(sim.url, 'GET', '/api/v2/organizations/101', { token: sim.apiToken });
      expect(org.body.data.custom_fields[added.body.data.key]).toBeNull();
      const set = await checked(sim.url, 'PATCH', '/api/v2/organizations/101', {
        token: sim.apiToken,
        body: { custom_fields: { [added.body.data.key]: 2 } },
      });
      expect(set.body.data.custom_fields[added.body.data.key]).toBe(2);

      const clock = await call(sim.url, 'POST', '/__admin/clock', { body: { advanceMs: 86_400_000 } });
      const later = await checked(sim.url, 'PATCH', '/api/v2/organizations/101', { token: sim.apiToken, body: { name: 'Later' } });
      expect(later.body.data.update_time > clock.body.clock.slice(0, 19)).toBe(true);
      const since = await checked(sim.url, 'GET', `/api/v2/organizations?updated_since=${encodeURIComponent(clock.body.clock.replace(/\.\d{3}Z$/, 'Z'))}`, {
        token: sim.apiToken,
      });
      expect(since.body.data.map((o: { id: number }) => o.id)).toEqual([101]);
    } finally {
      await sim.close();
    }
  });
});
