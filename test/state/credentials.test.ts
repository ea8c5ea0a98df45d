import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  deleteCredentials,
  loadCredentials,
  openStore,
  rotateRefreshToken,
  saveCredentials,
  tables,
  updateCredentials,
} from '../../src/state/index.js';
import { backends, useStore } from './harness.js';

const SECRET = { accessToken: 'at-SENSITIVE-123', refreshToken: 'rt-SENSITIVE-456', clientId: 'client-1' };

describe.each(backends)('credentials on %s', (backend) => {
  const h = useStore(backend);

  it('round-trip decrypted but are unreadable in the raw table', async () => {
    const t = h.tenant();
    await saveCredentials(t, 'hubspot', SECRET);
    const stored = await loadCredentials(t, 'hubspot');
    expect(stored).toMatchObject({ secrets: SECRET, version: 1 });
    const raw = await t.db(tables.credentials).where({ tenant: t.tenant });
    expect(raw).toHaveLength(1);
    const dump = JSON.stringify(raw);
    expect(dump).not.toContain('SENSITIVE');
    expect(Buffer.from(String(raw[0].ciphertext), 'base64').toString('latin1')).not.toContain('SENSITIVE');
    expect(Object.keys(raw[0]).sort()).toEqual(['ciphertext', 'connection', 'key_id', 'tenant', 'updated_at', 'version']);
  });

  it('use a fresh nonce on every write', async () => {
    const t = h.tenant();
    await saveCredentials(t, 'a', SECRET);
    await saveCredentials(t, 'b', SECRET);
    const rows = await t.db(tables.credentials).where({ tenant: t.tenant }).orderBy('connection');
    expect(rows[0].ciphertext).not.toBe(rows[1].ciphertext);
  });

  it('do not open when moved to another tenant or connection', async () => {
    const t = h.tenant();
    const other = h.tenant();
    await saveCredentials(t, 'hubspot', SECRET);
    const row = await t.db(tables.credentials).where({ tenant: t.tenant, connection: 'hubspot' }).first();
    await other.db(tables.credentials).insert({ ...row, tenant: other.tenant });
    await t.db(tables.credentials).insert({ ...row, connection: 'salesforce' });
    await expect(loadCredentials(other, 'hubspot')).rejects.toThrow(/failed authentication/);
    await expect(loadCredentials(t, 'salesforce')).rejects.toThrow(/failed authentication/);
  });

  it('report a wrong key by its fingerprint, never the secret', async () => {
    const t = h.tenant();
    await saveCredentials(t, 'hubspot', SECRET);
    const wrong = h.open({ secretKey: randomBytes(32) }).forTenant(t.tenant);
    const err = (await loadCredentials(wrong, 'hubspot').then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    ));
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^credentials of connection hubspot was encrypted with key [0-9a-f]{16}, but the configured key is [0-9a-f]{16}$/);
    expect(err.message).not.toContain('SENSITIVE');
    // Replacing still works without the old key (reconnect after a key change).
    await saveCredentials(wrong, 'hubspot', { refreshToken: 'new' });
    expect((await loadCredentials(wrong, 'hubspot'))?.secrets).toEqual({ refreshToken: 'new' });
  });

  it('rotate the refresh token and keep the other fields', async () => {
    const t = h.tenant();
    await saveCredentials(t, 'hubspot', SECRET);
    const after = await rotateRefreshToken(t, 'hubspot', { refreshToken: 'rt-2', accessToken: 'at-2', expiresAt: 123 });
    expect(after).toMatchObject({ version: 2, secrets: { clientId: 'client-1', refreshToken: 'rt-2', accessToken: 'at-2', expiresAt: 123 } });
    expect((await loadCredentials(t, 'hubspot'))?.secrets).toEqual(after.secrets);
    expect(await deleteCredentials(t, 'hubspot')).toBe(true);
    expect(await loadCredentials(t, 'hubspot')).toBeUndefined();
  });

  it('need an explicit key on PostgreSQL, with a message saying how to provide one', async () => {
    const t = h.tenant();
    const keyless = h.open({ secretKey: undefined, env: {} }).forTenant(t.tenant);
    if (backend === 'postgres') {
      await expect(saveCredentials(keyless, 'c', { token: 'x' })).rejects.toMatchObject({
        code: 'secret_key_missing',
        message: expect.stringMatching(/^no key to encrypt credentials: set SYNCD_SECRET_KEY/),
      });
    } else {
      // SQLite falls back to the key file beside the database.
      await saveCredentials(keyless, 'c', { token: 'x' });
      expect((await loadCredentials(keyless, 'c'))?.secrets).toEqual({ token: 'x' });
    }
  });

  it('serialise concurrent refreshes so the second sees the first one’s token', async () => {
    const t = h.tenant();
    await saveCredentials(t, 'hubspot', { refreshToken: 'rt-0' });
    const seen: unknown[] = [];
    const a = h.store.forTenant(t.tenant);
    // PostgreSQL: another process. SQLite: the same store (one connection), because better-sqlite3
    // waits for a lock synchronously and would block the very event loop holding it.
    const b = backend === 'postgres' ? h.open().forTenant(t.tenant) : a;
    const refresh = (scope: typeof a, next: string) =>
      updateCredentials(scope, 'hubspot', async (cur) => {
        seen.push(cur?.secrets.refreshToken);
        await new Promise((r) => setTimeout(r, 50));
        return { refreshToken: next };
      });
    await Promise.all([refresh(a, 'rt-a'), refresh(b, 'rt-b')]);
    expect(seen[0]).toBe('rt-0');
    expect(['rt-a', 'rt-b']).toContain(seen[1]);
    expect((await loadCredentials(t, 'hubspot'))?.version).toBe(3);
  });
});

describe('credential key sources', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'syncd-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generate a 0600 key file beside the SQLite database and reuse it', async () => {
    const url = path.join(dir, 'state.db');
    const s1 = openStore({ url, env: {} });
    await s1.migrate();
    await saveCredentials(s1.forTenant(), 'c', { token: 'x' });
    await s1.close();
    const keyFile = path.join(dir, 'secret.key');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64')).toHaveLength(32);
    const s2 = openStore({ url, env: {} });
    try {
      expect((await loadCredentials(s2.forTenant(), 'c'))?.secrets).toEqual({ token: 'x' });
    } finally {
      await s2.close();
    }
  });

  it('refuse a key file others can read', async () => {
    const keyFile = path.join(dir, 'k');
    await writeFile(keyFile, randomBytes(32).toString('base64'));
    await chmod(keyFile, 0o644);
    const s = openStore({ url: ':memory:', secretKeyFile: keyFile, env: {} });
    try {
      await s.migrate();
      await expect(saveCredentials(s.forTenant(), 'c', {})).rejects.toThrow(/readable by group or others; run `chmod 600/);
    } finally {
      await s.close();
    }
  });

  it('take SYNCD_SECRET_KEY from the environment and reject a malformed one without echoing it', async () => {
    const key = randomBytes(32).toString('base64');
    const s = openStore({ url: ':memory:', env: { SYNCD_SECRET_KEY: key } });
    const bad = openStore({ url: ':memory:', env: { SYNCD_SECRET_KEY: 'c2hvcnQ=' } });
    try {
      await s.migrate();
      await bad.migrate();
      await saveCredentials(s.forTenant(), 'c', { token: 'x' });
      const row = await s.knex(tables.credentials).first();
      const { createHash } = await import('node:crypto');
      expect(row.key_id).toBe(createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 16));
      const err = await saveCredentials(bad.forTenant(), 'c', {}).catch((e: Error) => e);
      expect(String(err)).toMatchInlineSnapshot(`"StoreError: SYNCD_SECRET_KEY must be base64 of exactly 32 bytes (decoded to 5)"`);
    } finally {
      await s.close();
      await bad.close();
    }
  });
});
