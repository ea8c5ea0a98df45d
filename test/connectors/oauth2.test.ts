import { createConnectorClient, MemoryCredentialStore, type StoredCredentials } from '../../src/connectors/index.js';
import type { AuthSpec } from '../../src/spec/types.js';
import { collect, connectorDoc, dealsObject, rejection } from './support/doc.js';
import { json, startServer, type TestServer } from './support/server.js';

let server: TestServer;
let validToken: string;
let tokenResponse: () => { status: number; body: unknown; delayMs?: number };

beforeEach(async () => {
  validToken = 'access-2';
  server = await startServer(async (req, res) => {
    if (req.path === '/oauth/token') {
      const r = tokenResponse();
      if (r.delayMs) await new Promise((x) => setTimeout(x, r.delayMs));
      return json(res, r.status, r.body);
    }
    if (req.headers.authorization !== `Bearer ${validToken}`) return json(res, 401, { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' });
    json(res, 200, { results: [{ id: '7', properties: { name: 'Deal' } }] });
  });
});
afterEach(async () => {
  await server.close();
});

function oauth(extra: Partial<Extract<AuthSpec, { type: 'oauth2' }>> = {}): AuthSpec {
  return { type: 'oauth2', tokenUrl: '/oauth/token', clientId: 'client-id-1', clientSecret: 'client-secret-1', refreshToken: 'refresh-1', rotatesRefreshToken: true, ...extra };
}

function clientWith(store: MemoryCredentialStore, auth: AuthSpec = oauth(), baseUrl = server.url) {
  const doc = connectorDoc({
    baseUrl,
    auth,
    objects: { deals: dealsObject({ list: { kind: 'list', path: '/deals', records: 'results' } }) },
  });
  return createConnectorClient(doc, { connection: { id: 'conn-1' }, tenant: 't1', credentials: store });
}

const tokenCalls = (): number => server.requests.filter((r) => r.path === '/oauth/token').length;

describe('OAuth 2 refresh', () => {
  it('refreshes once for ten concurrent calls that hit a 401, saves the rotated refresh token, and succeeds', async () => {
    const store = new MemoryCredentialStore();
    await store.save('conn-1', { refreshToken: 'refresh-1', accessToken: 'access-1' });
    tokenResponse = () => ({ status: 200, delayMs: 50, body: { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: 1800, token_type: 'bearer' } });
    const c = clientWith(store);
    const results = await Promise.all(Array.from({ length: 10 }, () => collect(c.list('deals'))));
    expect(results.every((r) => r.length === 1 && r[0]?.id === '7')).toBe(true);
    expect(tokenCalls()).toBe(1);
    const form = new URLSearchParams(server.requests.find((r) => r.path === '/oauth/token')?.text);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'client-id-1', client_secret: 'client-secret-1' });
    const saved = (await store.load('conn-1')) as StoredCredentials;
    expect(saved.refreshToken).toBe('refresh-2');
    expect(saved.accessToken).toBe('access-2');
    expect(saved.expiresAt).toBeGreaterThan(Date.now() + 1700_000);
  });

  it('turns a refused refresh into an auth error without retrying blindly', async () => {
    const store = new MemoryCredentialStore();
    await store.save('conn-1', { refreshToken: 'refresh-1', accessToken: 'access-1' });
    tokenResponse = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'refresh token is invalid' } });
    const err = await rejection(collect(clientWith(store).list('deals')));
    expect(err).toMatchObject({ class: 'auth', code: 'invalid_grant', vendorMessage: 'refresh token is invalid' });
    expect(tokenCalls()).toBe(1);
    expect(server.requests.filter((r) => r.path === '/deals')).toHaveLength(1);
  });

  it('refreshes before expiry (refreshEarly) instead of waiting for a 401', async () => {
    const store = new MemoryCredentialStore();
    await store.save('conn-1', { refreshToken: 'refresh-1', accessToken: 'access-1', expiresAt: Date.now() + 30_000 });
    tokenResponse = () => ({ status: 200, body: { access_token: 'access-2', expires_in: 1800 } });
    await collect(clientWith(store, oauth({ refreshEarly: '1m' })).list('deals'));
    expect(server.requests.map((r) => r.path)).toEqual(['/oauth/token', '/deals']);
    // No rotation: the refresh token in use is kept.
    expect((await store.load('conn-1'))?.refreshToken).toBe('refresh-1');
  });

  it('switches the base URL to the instance URL of the token response and sends client credentials as Basic when asked', async () => {
    const store = new MemoryCredentialStore();
    tokenResponse = () => ({ status: 200, body: { access_token: 'access-2', instance_url: server.url, token_type: 'Bearer' } });
    const auth = oauth({ tokenUrl: `${server.url}/oauth/token`, instanceUrlField: 'instance_url', instanceUrlSuffix: '/services/data/v66.0', clientAuthentication: 'basic' });
    // The configured base URL is unreachable: only the instance URL can answer.
    const records = await collect(clientWith(store, auth, 'http://127.0.0.1:9/unused').list('deals'));
    expect(records.map((r) => r.id)).toEqual(['7']);
    expect(server.requests.map((r) => r.path)).toEqual(['/oauth/token', '/services/data/v66.0/deals']);
    const tokenReq = server.requests[0];
    expect(tokenReq?.headers.authorization).toBe(`Basic ${Buffer.from('client-id-1:client-secret-1').toString('base64')}`);
    expect(tokenReq?.text).not.toContain('client_secret');
    expect((await store.load('conn-1'))?.instanceUrl).toBe(`${server.url}/services/data/v66.0`);
  });
});
