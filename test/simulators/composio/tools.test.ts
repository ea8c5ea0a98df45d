import { startComposioSimulator, type RunningComposioSimulator } from '../../../src/simulators/composio/index.js';
import { api, call, specMissing } from './helpers.js';

describe.skipIf(specMissing)('Composio simulator: tool metadata', () => {
  let sim: RunningComposioSimulator;

  beforeAll(async () => {
    sim = await startComposioSimulator();
  });
  afterAll(() => sim.close());

  it('describes a tool with its schemas, versions and toolkit', async () => {
    const res = await api(sim, 'GET', '/api/v3/tools/HUBSPOT_PARTIALLY_UPDATE_DEAL_BY_ID?version=20250909_00');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      slug: 'HUBSPOT_PARTIALLY_UPDATE_DEAL_BY_ID',
      toolkit: { slug: 'hubspot', name: 'HubSpot' },
      version: '20250909_00',
      available_versions: ['20250909_00', '20251110_00'],
      is_deprecated: false,
      input_parameters: { type: 'object', required: ['dealId', 'properties'] },
    });
  });

  it('resolves toolkit_versions as a string, in bracket notation, or absent', async () => {
    const latest = await api(sim, 'GET', '/api/v3/tools/HUBSPOT_CREATE_NEW_DEAL_OBJECT?toolkit_versions=latest');
    expect(latest.body.version).toBe('20251110_00');
    const pinned = await api(sim, 'GET', '/api/v3/tools/HUBSPOT_CREATE_NEW_DEAL_OBJECT?toolkit_versions[hubspot]=20250909_00');
    expect(pinned.body.version).toBe('20250909_00');
    const base = await api(sim, 'GET', '/api/v3/tools/HUBSPOT_CREATE_NEW_DEAL_OBJECT');
    expect(base.body.version).toBe('20250909_00');
    // `version` wins over toolkit_versions.
    const both = await api(sim, 'GET', '/api/v3/tools/HUBSPOT_CREATE_NEW_DEAL_OBJECT?version=latest&toolkit_versions=20250909_00');
    expect(both.body.version).toBe('20251110_00');
  });

  it('answers 404 for an unknown tool or version', async () => {
    expect((await api(sim, 'GET', '/api/v3/tools/HUBSPOT_NOPE')).status).toBe(404);
    const version = await api(sim, 'GET', '/api/v3/tools/HUBSPOT_CREATE_NEW_DEAL_OBJECT?version=20000101_00');
    expect(version.status).toBe(404);
    expect(version.body.error.suggested_fix).toContain('20250909_00');
  });

  it('lists a toolkit\'s tools with cursor paging', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof api>> = await api(sim, 'GET', `/api/v3/tools?toolkit_slug=hubspot&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body).toMatchObject({ total_items: 11, total_pages: 3, current_page: pages + 1 });
      seen.push(...res.body.items.map((t: { slug: string }) => t.slug));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(11);
    expect(seen.every((s) => s.startsWith('HUBSPOT_'))).toBe(true);
  });

  it('filters the list by slugs and search text', async () => {
    const bySlug = await api(sim, 'GET', '/api/v3/tools?tool_slugs=PIPEDRIVE_ADD_A_DEAL,SALESFORCE_EXECUTE_SOQL_QUERY');
    expect(bySlug.body.items.map((t: { slug: string }) => t.slug)).toEqual(['PIPEDRIVE_ADD_A_DEAL', 'SALESFORCE_EXECUTE_SOQL_QUERY']);
    const search = await api(sim, 'GET', '/api/v3/tools?toolkit_slug=pipedrive&search=organization');
    expect(search.body.items.map((t: { slug: string }) => t.slug).sort()).toEqual([
      'PIPEDRIVE_ADD_AN_ORGANIZATION',
      'PIPEDRIVE_ADD_A_NOTE', // "Adds a note to a deal, person or organization."
      'PIPEDRIVE_SEARCH_ORGANIZATIONS',
      'PIPEDRIVE_UPDATE_AN_ORGANIZATION',
    ]);
    const bad = await api(sim, 'GET', '/api/v3/tools?cursor=garbage');
    expect(bad.status).toBe(400);
  });

  it('serves the same API under /api/v3.1, which the official client calls', async () => {
    const res = await call(sim.url, 'GET', '/api/v3.1/tools/PIPEDRIVE_ADD_A_DEAL', { apiKey: sim.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.toolkit.slug).toBe('pipedrive');
  });
});
