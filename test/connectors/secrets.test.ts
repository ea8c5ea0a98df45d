import { createConnectorClient, MemoryCredentialStore, type WriteResult } from '../../src/connectors/index.js';
import type { AuthSpec } from '../../src/spec/types.js';
import { collect, connectorDoc, dealsObject, rejection } from './support/doc.js';
import { json, startServer, type TestServer } from './support/server.js';

const PLANTED = ['sk-planted-SECRET-7f3a9', 'refresh-planted-SECRET-91', 'client-secret-planted-SECRET-3'];

let server: TestServer;
let status: number;
beforeEach(async () => {
  // A hostile vendor: every error echoes the request's headers, query and body back.
  server = await startServer((req, res) => {
    const echo = `auth=${req.headers.authorization ?? ''} key=${req.headers['x-api-key'] ?? ''} url=${req.url} body=${req.text}`;
    if (req.path === '/oauth/token') return json(res, 400, { error: 'invalid_grant', error_description: `bad grant: ${echo}` });
    json(res, status, { message: echo, errors: [{ message: echo }] });
  });
});
afterEach(async () => {
  await server.close();
});

function clientWith(auth: AuthSpec) {
  const doc = connectorDoc({
    baseUrl: server.url,
    auth,
    retry: { attempts: 2, initialDelay: '1ms', maxDelay: '2ms' },
    objects: { deals: dealsObject({ list: { kind: 'list', path: '/deals', records: 'results' }, create: { kind: 'create', path: '/deals', body: '{"properties": record}' } }) },
  });
  return createConnectorClient(doc, { connection: { id: 'c' }, tenant: 't', credentials: new MemoryCredentialStore() });
}

function assertClean(err: unknown): void {
  const text = JSON.stringify(err) + String((err as Error).message) + String((err as Error).stack);
  for (const s of PLANTED) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(encodeURIComponent(s));
  }
}

describe('secrets in errors', () => {
  it.each([400, 401, 409, 429, 500])('keeps a planted API key out of a %i error', async (s) => {
    status = s;
    const c = clientWith({ type: 'apiKey', key: PLANTED[0] as string, queryParam: 'api_token' });
    const err = await rejection(collect(c.list('deals')));
    expect(server.requests.at(-1)?.url).toContain(PLANTED[0]);
    assertClean(err);
    expect((err as Error).message).toContain('[redacted]');
  });

  it('keeps a bearer token out of per-record write errors', async () => {
    status = 400;
    const [result] = await clientWith({ type: 'bearer', token: PLANTED[0] as string }).write('deals', 'create', [{ fields: { name: 'x' } }]);
    expect(result?.ok).toBe(false);
    assertClean((result as Extract<WriteResult, { ok: false }>).error);
  });

  it('keeps the refresh token and client secret out of a refused refresh', async () => {
    const err = await rejection(
      collect(clientWith({ type: 'oauth2', tokenUrl: '/oauth/token', clientId: 'cid', clientSecret: PLANTED[2] as string, refreshToken: PLANTED[1] as string }).list('deals')),
    );
    expect(err).toMatchObject({ class: 'auth', code: 'invalid_grant' });
    assertClean(err);
  });
});
