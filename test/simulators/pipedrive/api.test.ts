import { startPipedriveSimulator, type RunningPipedriveSimulator } from '../../../src/simulators/pipedrive/index.js';
import { call, checked, expectErrorEnvelope, specsMissing } from './helpers.js';

describe.skipIf(specsMissing)('Pipedrive simulator v2 entities', () => {
  let sim: RunningPipedriveSimulator;
  const get = (path: string) => checked(sim.url, 'GET', path, { token: sim.apiToken });

  beforeAll(async () => {
    sim = await startPipedriveSimulator({
      seed: 11,
      config: { burstLimit: { apiToken: 10_000 }, searchLimit: 10_000, fixtures: { organizations: 12, persons: 25, deals: 9 } },
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => call(sim.url, 'POST', '/__admin/reset'));

  it('pages persons with a keyset cursor until next_cursor is null', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof get>> = await get(`/api/v2/persons?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      seen.push(...res.body.data.map((p: { id: number }) => p.id));
      cursor = res.body.additional_data.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(new Set(seen).size).toBe(25);
  });

  it('keeps page boundaries when records are created between pages', async () => {
    const first = await get('/api/v2/organizations?limit=5&sort_by=id&sort_direction=desc');
    await checked(sim.url, 'POST', '/api/v2/organizations', { token: sim.apiToken, body: { name: 'Inserted Oy' } });
    const second = await get(`/api/v2/organizations?limit=5&sort_by=id&sort_direction=desc&cursor=${first.body.additional_data.next_cursor}`);
    const ids = [...first.body.data, ...second.body.data].map((o: { id: number }) => o.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(10);
    expect(second.body.data[0].id).toBe(first.body.data[4].id - 1);
  });

  it('refuses limit above 500 and malformed RFC3339 times with the error envelope', async () => {
    const tooMany = await get('/api/v2/deals?limit=501');
    expect(tooMany.status).toBe(400);
    expectErrorEnvelope(tooMany.body);
    expect((await get('/api/v2/deals?limit=500')).status).toBe(200);
    const badTime = await get('/api/v2/deals?updated_since=yesterday');
    expect(badTime.status).toBe(400);
  });

  it('filters by updated_since (inclusive) and updated_until (exclusive) and sorts by update_time', async () => {
    const all = (await get('/api/v2/persons?limit=500&sort_by=update_time')).body.data as { id: number; update_time: string }[];
    const pivot = all[10] as { update_time: string };
    const until = all[15] as { update_time: string };
    const res = await get(`/api/v2/persons?limit=500&sort_by=update_time&updated_since=${pivot.update_time}&updated_until=${until.update_time}`);
    expect(res.body.data.map((p: { id: number }) => p.id)).toEqual(all.slice(10, 15).map((p) => p.id));

    await checked(sim.url, 'PATCH', `/api/v2/persons/${all[0]?.id}`, { token: sim.apiToken, body: { name: 'Moved To End' } });
    const newest = await get('/api/v2/persons?limit=1&sort_by=update_time&sort_direction=desc');
    expect(newest.body.data[0]).toMatchObject({ id: all[0]?.id, name: 'Moved To End', first_name: 'Moved', last_name: 'To End' });
  });

  it('fetches by ids and filters deals by status', async () => {
    const persons = (await get('/api/v2/persons?limit=3')).body.data as { id: number }[];
    const ids = persons.map((p) => p.id);
    const res = await get(`/api/v2/persons?ids=${ids.join(',')},999999`);
    expect(res.body.data.map((p: { id: number }) => p.id)).toEqual(ids);

    const deal = (await get('/api/v2/deals?limit=1')).body.data[0];
    await checked(sim.url, 'PATCH', `/api/v2/deals/${deal.id}`, { token: sim.apiToken, body: { status: 'won' } });
    const won = await get('/api/v2/deals?status=won');
    expect(won.body.data).toHaveLength(1);
    expect(won.body.data[0]).toMatchObject({ id: deal.id, status: 'won' });
    expect(won.body.data[0].won_time).toBe(won.body.data[0].update_time);
    // Repeating the same status is no change: neither update_time nor won_time move.
    const again = await checked(sim.url, 'PATCH', `/api/v2/deals/${deal.id}`, { token: sim.apiToken, body: { status: 'won' } });
    expect(again.body.data).toMatchObject({ update_time: won.body.data[0].update_time, won_time: won.body.data[0].won_time });
  });

  it('creates, reads, updates and deletes an organization in the v2 envelope', async () => {
    const created = await checked(sim.url, 'POST', '/api/v2/organizations', {
      token: sim.apiToken,
      body: { name: 'Queast Labs', website: 'https://queast.example' },
    });
    expect(created.status).toBe(200);
    const id = created.body.data.id as number;
    expect(created.body.data).toMatchObject({ name: 'Queast Labs', website: 'https://queast.example', is_deleted: false, owner_id: 1001 });

    const patched = await checked(sim.url, 'PATCH', `/api/v2/organizations/${id}`, { token: sim.apiToken, body: { website: null } });
    expect(patched.body.data.website).toBeNull();
    expect(patched.body.data.update_time > created.body.data.update_time).toBe(true);

    const deleted = await checked(sim.url, 'DELETE', `/api/v2/organizations/${id}`, { token: sim.apiToken });
    expect(deleted.body).toEqual({ success: true, data: { id } });

    const gone = await get(`/api/v2/organizations/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe('Organization not found');
  });

  it('validates create bodies and links', async () => {
    const noTitle = await checked(sim.url, 'POST', '/api/v2/deals', { token: sim.apiToken, body: { value: 3 } });
    expect(noTitle.status).toBe(400);
    expectErrorEnvelope(noTitle.body);
    const danglingOrg = await checked(sim.url, 'POST', '/api/v2/persons', { token: sim.apiToken, body: { name: 'X', org_id: 1 } });
    expect(danglingOrg.status).toBe(400);
    const wrongType = await checked(sim.url, 'POST', '/api/v2/deals', { token: sim.apiToken, body: { title: 'T', value: 'lots' } });
    expect(wrongType.status).toBe(400);
  });

  it('nests custom fields under 40-character hashes named by the field endpoints', async () => {
    const fields = await get('/api/v2/dealFields?limit=100');
    const custom = fields.body.data.filter((f: { is_custom_field: boolean }) => f.is_custom_field);
    expect(custom.length).toBeGreaterThan(0);
    for (const f of custom) expect(f.field_code).toMatch(/^[0-9a-f]{40}$/);
    const score = custom.find((f: { field_name: string }) => f.field_name === 'Signal score');
    const channels = custom.find((f: { field_name: string }) => f.field_name === 'Channels');

    const v1 = await checked(sim.url, 'GET', '/v1/dealFields', { token: sim.apiToken });
    const byKey = new Map(v1.body.data.map((f: { key: string; name: string }) => [f.key, f.name]));
    expect(byKey.get(score.field_code)).toBe('Signal score');

    const deal = await checked(sim.url, 'POST', '/api/v2/deals', {
      token: sim.apiToken,
      body: { title: 'Custom', custom_fields: { [score.field_code]: 7.5, [channels.field_code]: [channels.options[0].id] } },
    });
    expect(deal.body.data.custom_fields[score.field_code]).toBe(7.5);
    expect(deal.body.data.custom_fields[channels.field_code]).toEqual([channels.options[0].id]);

    const cleared = await checked(sim.url, 'PATCH', `/api/v2/deals/${deal.body.data.id}`, {
      token: sim.apiToken,
      body: { custom_fields: { [score.field_code]: null } },
    });
    expect(cleared.body.data.custom_fields[score.field_code]).toBeNull();
    expect(cleared.body.data.custom_fields[channels.field_code]).toEqual([channels.options[0].id]);

    const only = await get(`/api/v2/deals/${deal.body.data.id}?custom_fields=${channels.field_code}`);
    expect(Object.keys(only.body.data.custom_fields)).toEqual([channels.field_code]);

    const emptySet = await checked(sim.url, 'PATCH', `/api/v2/deals/${deal.body.data.id}`, {
      token: sim.apiToken,
      body: { custom_fields: { [channels.field_code]: [] } },
    });
    expect(emptySet.status).toBe(400);
    const unknown = await checked(sim.url, 'PATCH', `/api/v2/deals/${deal.body.data.id}`, {
      token: sim.apiToken,
      body: { custom_fields: { ['0'.repeat(40)]: 'x' } },
    });
    expect(unknown.status).toBe(400);
  });

  it('searches persons, organizations and deals with result_score and exact_match', async () => {
    await checked(sim.url, 'POST', '/api/v2/persons', {
      token: sim.apiToken,
      body: { name: 'Zelda Quux', emails: [{ value: 'zelda@quux.example', primary: true }] },
    });
    const byEmail = await get('/api/v2/persons/search?term=quux.example&fields=email');
    expect(byEmail.body.data.items).toHaveLength(1);
    expect(byEmail.body.data.items[0].item).toMatchObject({ type: 'person', name: 'Zelda Quux', emails: ['zelda@quux.example'] });
    expect(byEmail.body.data.items[0].result_score).toBeGreaterThan(0);

    const exact = await get('/api/v2/persons/search?term=zelda%20quux&exact_match=true');
    expect(exact.body.data.items.map((i: { item: { name: string } }) => i.item.name)).toEqual(['Zelda Quux']);
    const partialExact = await get('/api/v2/persons/search?term=zelda&exact_match=true');
    expect(partialExact.body.data.items).toHaveLength(0);

    const org = (await get('/api/v2/organizations?limit=1')).body.data[0];
    const orgHit = await get(`/api/v2/organizations/search?term=${encodeURIComponent(org.name)}`);
    expect(orgHit.body.data.items[0]).toMatchObject({ result_score: 1, item: { id: org.id, type: 'organization' } });

    const deal = (await get('/api/v2/deals?limit=1')).body.data[0];
    const dealHit = await get(`/api/v2/deals/search?term=${encodeURIComponent(deal.title)}&exact_match=1`);
    expect(dealHit.body.data.items[0].item).toMatchObject({ id: deal.id, type: 'deal', title: deal.title });

    const short = await get('/api/v2/persons/search?term=z');
    expect(short.status).toBe(400);
  });

  it('pages search results', async () => {
    const first = await get('/api/v2/persons/search?term=mail.example&limit=10');
    expect(first.body.data.items).toHaveLength(10);
    const second = await get(`/api/v2/persons/search?term=mail.example&limit=10&cursor=${first.body.additional_data.next_cursor}`);
    const third = await get(`/api/v2/persons/search?term=mail.example&limit=10&cursor=${second.body.additional_data.next_cursor}`);
    expect(third.body.data.items).toHaveLength(5);
    expect(third.body.additional_data.next_cursor).toBeNull();
  });

  it('answers unknown paths and ids with the error envelope', async () => {
    const unknown = await call(sim.url, 'GET', '/api/v2/widgets', { token: sim.apiToken });
    expect(unknown.status).toBe(404);
    expectErrorEnvelope(unknown.body);
    const missing = await get('/api/v2/deals/1');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('Deal not found');
  });
});

describe.skipIf(specsMissing)('Pipedrive simulator v1 notes and webhooks', () => {
  let sim: RunningPipedriveSimulator;
  beforeAll(async () => {
    sim = await startPipedriveSimulator({ seed: 5, config: { burstLimit: { apiToken: 10_000 } } });
  });
  afterAll(() => sim.close());

  it('creates notes on an organization and lists them with v1 pagination', async () => {
    const org = (await checked(sim.url, 'GET', '/api/v2/organizations?limit=1', { token: sim.apiToken })).body.data[0];
    for (const content of ['<p>first</p>', '<p>second</p>', '<p>third</p>']) {
      const created = await checked(sim.url, 'POST', '/v1/notes', { token: sim.apiToken, body: { content, org_id: org.id } });
      expect(created.body.data).toMatchObject({ content, org_id: org.id, organization: { name: org.name } });
    }
    const page1 = await checked(sim.url, 'GET', `/v1/notes?org_id=${org.id}&limit=2`, { token: sim.apiToken });
    expect(page1.body.additional_data.pagination).toMatchObject({ start: 0, limit: 2, more_items_in_collection: true, next_start: 2 });
    const all = await checked(sim.url, 'GET', `/v1/notes?org_id=${org.id}&limit=100`, { token: sim.apiToken });
    expect(all.body.data.every((n: { org_id: number }) => n.org_id === org.id)).toBe(true);
    expect(all.body.data.map((n: { content: string }) => n.content)).toEqual(expect.arrayContaining(['<p>first</p>', '<p>second</p>', '<p>third</p>']));

    const orphan = await checked(sim.url, 'POST', '/v1/notes', { token: sim.apiToken, body: { content: 'nowhere' } });
    expect(orphan.status).toBe(400);
    expectErrorEnvelope(orphan.body);
  });

  it('creates, lists and deletes webhooks in the v1 shapes', async () => {
    const created = await checked(sim.url, 'POST', '/v1/webhooks', {
      token: sim.apiToken,
      body: {
        subscription_url: 'http://127.0.0.1:9/hook',
        event_action: '*',
        event_object: 'deal',
        name: 'syncd',
        http_auth_user: 'u',
        http_auth_password: 'p',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, status: 'ok', data: { version: '2.0', event_object: 'deal', is_active: 1, http_auth_user: 'u' } });
    const listed = await checked(sim.url, 'GET', '/v1/webhooks', { token: sim.apiToken });
    expect(listed.body.data.map((w: { id: number }) => w.id)).toContain(created.body.data.id);
    const deleted = await checked(sim.url, 'DELETE', `/v1/webhooks/${created.body.data.id}`, { token: sim.apiToken });
    expect(deleted.body).toEqual({ status: 'ok', success: true });
    const again = await checked(sim.url, 'DELETE', `/v1/webhooks/${created.body.data.id}`, { token: sim.apiToken });
    expect(again.status).toBe(404);
  });

  it('refuses a bad subscription URL with the documented 400 body', async () => {
    const bad = await checked(sim.url, 'POST', '/v1/webhooks', {
      token: sim.apiToken,
      body: { subscription_url: 'not a url', event_action: 'create', event_object: 'person', name: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ status: 'error', success: false, errors: { subscription_url: ['invalid or non-reachable URL'] } });
  });

  it('caps webhooks per user', async () => {
    const small = await startPipedriveSimulator({ config: { webhooks: { maxPerUser: 2 } } });
    try {
      const body = { subscription_url: 'http://127.0.0.1:9/h', event_action: 'create', event_object: 'deal', name: 'n' };
      expect((await checked(small.url, 'POST', '/v1/webhooks', { token: small.apiToken, body })).status).toBe(201);
      expect((await checked(small.url, 'POST', '/v1/webhooks', { token: small.apiToken, body })).status).toBe(201);
      const third = await checked(small.url, 'POST', '/v1/webhooks', { token: small.apiToken, body });
      expect(third.status).toBe(400);
    } finally {
      await small.close();
    }
  });
});
