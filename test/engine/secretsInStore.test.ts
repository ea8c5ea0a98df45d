/**
 * Secrets never reach the store in the clear: a sync with a token refresh and a hostile vendor
 * that echoes the OAuth client secret and refresh token back in a record's error leaves no copy
 * of either, nor of an access token, in any table (the audit trail, the delivery log and the
 * reconciliation items included). Credentials are kept, encrypted, in their own table.
 */
import { tables } from '../../src/state/tables.js';
import { queryAudit } from '../../src/state/audit.js';
import { startEngine, type Engine } from './support/engine.js';
import { makeItems } from './support/localDb.js';
import { OAUTH } from './support/target.js';

describe.each(['sqlite', 'postgres'] as const)('secrets in the store on %s', (backend) => {
  let engine: Engine;
  afterEach(async () => {
    await engine?.close();
  });

  it('keeps the client secret, the refresh token and access tokens out of every table', async () => {
    engine = await startEngine({ backend, items: makeItems(30) });
    engine.target.scriptFault({ kind: 'unauthorized', count: 1, pathContains: '/records/batch' });
    engine.target.reject({ key: 'item-00003', status: 400, message: `invalid amount (client_secret=${OAUTH.clientSecret}, refresh_token=${OAUTH.refreshToken})` });
    await engine.settle();
    expect(engine.target.kit.tokens.refreshCount).toBe(2);

    const failed = (await queryAudit(engine.scope, { recordKey: 'item-00003' })).find((e) => e.action === 'write.failed');
    expect(String((failed?.decision as { message?: string } | undefined)?.message)).toContain('[redacted]');

    let dump = '';
    for (const table of Object.values(tables)) dump += JSON.stringify(await engine.scope.db(table).select('*'));
    expect(dump).toContain('item-00003');
    // The vendor's message reached the store, with the secrets it echoed taken out.
    expect(dump).toContain('invalid amount');
    expect(dump).not.toContain(OAUTH.clientSecret);
    expect(dump).not.toContain(OAUTH.refreshToken);
    // The records target's access tokens: `rt-` and 24 characters of base64url.
    expect(dump).not.toMatch(/rt-[A-Za-z0-9_-]{24}/);
  });
});
