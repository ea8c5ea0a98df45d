/**
 * Stored credentials (OAuth access and refresh tokens, Composio connected account ids, API keys
 * entered at connect time), encrypted at rest (crypto.ts). The table holds only ciphertext and a
 * key fingerprint; plaintext exists only in the caller's memory.
 */
import { toNumber } from './columns.js';
import type { Scope } from './scope.js';
import { tables } from './tables.js';

/** Secret fields of one connection, e.g. `{ accessToken, refreshToken, expiresAt }`. */
export type Credentials = Record<string, unknown>;

export interface StoredCredentials {
  secrets: Credentials;
  /** Increments on every write: lets a refresher tell whether someone else already rotated. */
  version: number;
  updatedAt: number;
}

// Binding the ciphertext to its row: moved to another tenant or connection, it no longer opens.
const aadOf = (scope: Scope, connection: string) => JSON.stringify(['syncd.credentials.v1', scope.tenant, connection]);

async function write(scope: Scope, connection: string, secrets: Credentials, version: number): Promise<void> {
  const box = await scope.secretBox();
  const sealed = box.seal(JSON.stringify(secrets), aadOf(scope, connection));
  await scope
    .db(tables.credentials)
    .insert({ tenant: scope.tenant, connection, ciphertext: sealed.ciphertext, key_id: sealed.keyId, version, updated_at: scope.now() })
    .onConflict(['tenant', 'connection'])
    .merge(['ciphertext', 'key_id', 'version', 'updated_at']);
}

async function read(scope: Scope, connection: string, lock: boolean): Promise<StoredCredentials | undefined> {
  const q = scope.db(tables.credentials).where({ tenant: scope.tenant, connection });
  if (lock) q.forUpdate();
  const row = await q.first();
  if (!row) return undefined;
  const box = await scope.secretBox();
  const plain = box.open(
    { ciphertext: String(row.ciphertext), keyId: String(row.key_id) },
    aadOf(scope, connection),
    `credentials of connection ${connection}`,
  );
  return { secrets: JSON.parse(plain) as Credentials, version: toNumber(row.version), updatedAt: toNumber(row.updated_at) };
}

/** Replaces the connection's credentials. */
export async function saveCredentials(scope: Scope, connection: string, secrets: Credentials): Promise<void> {
  await scope.transaction(async (tx) => {
    // Only the version is needed: replacing must work even when the old ciphertext no longer opens.
    const q = tx.db(tables.credentials).where({ tenant: tx.tenant, connection }).first('version');
    if (tx.dialect === 'postgres') q.forUpdate();
    const current = await q;
    await write(tx, connection, secrets, (current ? toNumber(current.version) : 0) + 1);
  });
}

export async function loadCredentials(scope: Scope, connection: string): Promise<StoredCredentials | undefined> {
  return read(scope, connection, false);
}

export async function deleteCredentials(scope: Scope, connection: string): Promise<boolean> {
  return (await scope.db(tables.credentials).where({ tenant: scope.tenant, connection }).del()) > 0;
}

/**
 * Read-modify-write under a row lock (PostgreSQL `FOR UPDATE`; SQLite's single writer), for token
 * refresh: vendors rotate refresh tokens, so two workers refreshing at once would leave one with
 * a revoked token. `fn` sees the current credentials (check `version` or `expiresAt`: another
 * worker may have refreshed meanwhile) and returns the new ones, or undefined to keep them.
 */
export async function updateCredentials(
  scope: Scope,
  connection: string,
  fn: (current: StoredCredentials | undefined) => Promise<Credentials | undefined>,
): Promise<StoredCredentials | undefined> {
  return scope.transaction(async (tx) => {
    const current = await read(tx, connection, true);
    const next = await fn(current);
    if (next === undefined) return current;
    const version = (current?.version ?? 0) + 1;
    await write(tx, connection, next, version);
    return { secrets: next, version, updatedAt: tx.now() };
  });
}

export interface TokenRotation {
  accessToken?: string;
  refreshToken: string;
  /** Access token expiry, epoch ms. */
  expiresAt?: number;
}

/** Stores a refreshed token set, keeping the other fields (client ids, account ids…). */
export async function rotateRefreshToken(scope: Scope, connection: string, rotation: TokenRotation): Promise<StoredCredentials> {
  const stored = await updateCredentials(scope, connection, async (current) => {
    const next: Credentials = { ...(current?.secrets ?? {}), refreshToken: rotation.refreshToken };
    if (rotation.accessToken !== undefined) next.accessToken = rotation.accessToken;
    if (rotation.expiresAt !== undefined) next.expiresAt = rotation.expiresAt;
    return next;
  });
  return stored as StoredCredentials;
}
