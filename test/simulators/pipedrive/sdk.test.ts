import { v2 } from 'pipedrive';
import { startPipedriveSimulator, type RunningPipedriveSimulator } from '../../../src/simulators/pipedrive/index.js';
import type { OpenApiDocument } from '../../support/openapi.js';
import { specsMissing, v2Spec } from './helpers.js';
import { V2_ERRATA } from './specErrata.js';

const fits = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', template: string, body: unknown): void =>
  (v2Spec as OpenApiDocument).expectResponse(method, template, 200, body, { errata: V2_ERRATA });

describe.skipIf(specsMissing)('official pipedrive client (v2) against the simulator', () => {
  let sim: RunningPipedriveSimulator;
  beforeAll(async () => {
    sim = await startPipedriveSimulator({ seed: 21, config: { burstLimit: { apiToken: 10_000, oauth: 10_000 }, fixtures: { persons: 23 } } });
  });
  afterAll(() => sim.close());

  it('adds, gets, updates and lists with an API token', async () => {
    const config = new v2.Configuration({ apiKey: sim.apiToken, basePath: `${sim.url}/api/v2` });
    const orgs = new v2.OrganizationsApi(config);
    const persons = new v2.PersonsApi(config);
    const deals = new v2.DealsApi(config);

    const org = await orgs.addOrganization({ AddOrganizationRequest: { name: 'SDK Org AB' } });
    fits('POST', '/organizations', org);
    const orgId = org.data?.id as number;
    expect(org.data).toMatchObject({ name: 'SDK Org AB' });

    const person = await persons.addPerson({
      AddPersonRequest: { name: 'Sally Sdk', org_id: orgId, emails: [{ value: 'sally@sdk.example', primary: true, label: 'work' }] },
    });
    fits('POST', '/persons', person);
    const personId = person.data?.id as number;
    expect(person.data).toMatchObject({ first_name: 'Sally', last_name: 'Sdk', org_id: orgId });

    const deal = await deals.addDeal({ AddDealRequest: { title: 'SDK deal', value: 1200, org_id: orgId, person_id: personId } });
    fits('POST', '/deals', deal);
    expect(deal.data).toMatchObject({ title: 'SDK deal', value: 1200, status: 'open', currency: 'EUR' });

    const updated = await deals.updateDeal({ id: deal.data?.id as number, UpdateDealRequest: { status: 'won' } });
    fits('PATCH', '/deals/{id}', updated);
    expect(updated.data?.status).toBe('won');
    expect(updated.data?.won_time).toBe(updated.data?.update_time);

    const fetched = await persons.getPerson({ id: personId });
    fits('GET', '/persons/{id}', fetched);
    expect(fetched.data?.emails).toEqual([{ value: 'sally@sdk.example', primary: true, label: 'work' }]);

    const renamed = await orgs.updateOrganization({ id: orgId, UpdateOrganizationRequest: { name: 'SDK Org Oy' } });
    fits('PATCH', '/organizations/{id}', renamed);
    expect((await orgs.getOrganization({ id: orgId })).data?.name).toBe('SDK Org Oy');

    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await persons.getPersons({ limit: 7, cursor, sort_by: 'id', sort_direction: 'asc' });
      fits('GET', '/persons', page);
      ids.push(...(page.data ?? []).map((p) => p.id as number));
      cursor = page.additional_data?.next_cursor ?? undefined;
    } while (cursor);
    expect(ids).toHaveLength(24);
    expect(ids.at(-1)).toBe(personId);

    const removed = await persons.deletePerson({ id: personId });
    fits('DELETE', '/persons/{id}', removed);
    await expect(persons.getPerson({ id: personId })).rejects.toMatchObject({ success: false, error: 'Person not found' });
  });

  it('refreshes through OAuth2Configuration, follows api_domain and survives expired tokens', async () => {
    const updates: Array<{ refresh_token?: string; api_domain?: string }> = [];
    const oauth2 = new v2.OAuth2Configuration({
      clientId: sim.config.oauth.clientId,
      clientSecret: sim.config.oauth.clientSecret,
      redirectUri: 'http://127.0.0.1/callback',
      host: sim.url,
    });
    oauth2.onTokenUpdate = (token) => updates.push(token);
    // The installed state: a refresh token and an access token that has already run out.
    oauth2.updateToken({
      access_token: 'stale',
      refresh_token: sim.config.oauth.refreshToken,
      expires_in: 0.001,
      api_domain: 'http://127.0.0.1:1',
    } as Parameters<typeof oauth2.updateToken>[0]);
    expect(oauth2.basePath).toBe('http://127.0.0.1:1/api/v2');
    await new Promise((r) => setTimeout(r, 5));

    const refreshesBefore = sim.kit.tokens.refreshCount;
    const config = new v2.Configuration({ accessToken: oauth2.getAccessToken, basePath: `${sim.url}/api/v2` });
    const deals = new v2.DealsApi(config);
    const page = await deals.getDeals({ limit: 3 });
    fits('GET', '/deals', page);
    expect(page.data).toHaveLength(3);
    expect(sim.kit.tokens.refreshCount).toBe(refreshesBefore + 1);
    expect(oauth2.basePath).toBe(`${sim.url}/api/v2`);
    expect(updates.at(-1)).toMatchObject({ refresh_token: sim.config.oauth.refreshToken, api_domain: sim.url });

    // The client only refreshes by expiry time, so an early expiry shows up as a 401 first.
    sim.setFaults({ expireTokens: true });
    await expect(deals.getDeals({ limit: 1 })).rejects.toMatchObject({ success: false, error: 'unauthorized access', errorCode: 401 });
    await oauth2.tokenRefresh();
    expect((await deals.getDeals({ limit: 1 })).data).toHaveLength(1);
    expect(updates.at(-1)?.refresh_token).toBe(sim.config.oauth.refreshToken);
    sim.setFaults({ expireTokens: false });

    sim.setFaults({ revoked: true });
    await expect(oauth2.tokenRefresh()).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(deals.getDeals({ limit: 1 })).rejects.toMatchObject({ errorCode: 401 });
    sim.setFaults({ revoked: false });
  });

  it('exchanges an authorization code through OAuth2Configuration.authorize', async () => {
    const redirectUri = 'http://127.0.0.1/callback';
    const oauth2 = new v2.OAuth2Configuration({
      clientId: sim.config.oauth.clientId,
      clientSecret: sim.config.oauth.clientSecret,
      redirectUri,
      host: sim.url,
    });
    const { code } = (await (await fetch(`${sim.url}/__admin/oauth/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uri: redirectUri }),
    })).json()) as { code: string };
    const token = (await oauth2.authorize(code)) as unknown as { refresh_token: string; api_domain: string; expires_in: number };
    expect(token).toMatchObject({ api_domain: sim.url, expires_in: 3599 });
    expect(token.refresh_token).not.toBe(sim.config.oauth.refreshToken);
    const persons = new v2.PersonsApi(new v2.Configuration({ accessToken: oauth2.getAccessToken, basePath: oauth2.basePath }));
    fits('GET', '/persons/{id}', await persons.getPerson({ id: 2001 }));
    // The new refresh token works, and a code is single-use.
    await oauth2.tokenRefresh();
    await expect(oauth2.authorize(code)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses token requests with wrong client credentials', async () => {
    const oauth2 = new v2.OAuth2Configuration({ clientId: 'someone', clientSecret: 'else', redirectUri: 'http://127.0.0.1/cb', host: sim.url });
    oauth2.updateToken({ refresh_token: sim.config.oauth.refreshToken } as Parameters<typeof oauth2.updateToken>[0]);
    await expect(oauth2.tokenRefresh()).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
