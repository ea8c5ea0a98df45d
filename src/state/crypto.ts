/**
 * Encryption at rest for stored credentials: AES-256-GCM with a fresh 96-bit nonce per write and
 * the row's identity (tenant, connection) as additional authenticated data, so a ciphertext
 * copied into another tenant's or connection's row fails to open.
 *
 * Where the key comes from, first match wins:
 * 1. `StoreOptions.secretKey` (base64 of 32 bytes, or the 32 bytes themselves);
 * 2. the `SYNCD_SECRET_KEY` environment variable (base64 of 32 bytes);
 * 3. `StoreOptions.secretKeyFile`;
 * 4. SQLite only: `secret.key` beside the database file, generated on first use with mode 0600.
 *    An in-memory SQLite database gets a key that lives as long as the process.
 * A PostgreSQL store has no default file: several workers must share one key, so it has to be
 * given explicitly (option or environment).
 *
 * A key file must not be readable by group or others (like ssh keys); it holds one line, the key
 * in base64. The key id stored next to each ciphertext is a fingerprint of the key, so a wrong
 * key is reported as such instead of as corrupt data.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from './errors.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  /** base64 of nonce ‖ tag ‖ ciphertext */
  ciphertext: string;
  keyId: string;
}

export interface SecretBox {
  /** Fingerprint of the key (not secret): the first 16 hex digits of its SHA-256. */
  readonly keyId: string;
  seal(plaintext: string, aad: string): Sealed;
  /** Throws `StoreError('credentials_undecryptable')` for a wrong key or tampered data. */
  open(sealed: Sealed, aad: string, what: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) {
    throw new StoreError('secret_key_invalid', `the secret key must be ${KEY_BYTES} bytes (got ${key.length})`);
  }
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return {
    keyId,
    seal(plaintext, aad) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { ciphertext: Buffer.concat([nonce, tag, body]).toString('base64'), keyId };
    },
    open(sealed, aad, what) {
      if (sealed.keyId !== keyId) {
        throw new StoreError(
          'credentials_undecryptable',
          `${what} was encrypted with key ${sealed.keyId}, but the configured key is ${keyId}`,
        );
      }
      const raw = Buffer.from(sealed.ciphertext, 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, NONCE_BYTES));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new StoreError('credentials_undecryptable', `${what} failed authentication (tampered or moved between rows)`);
      }
    },
  };
}

export function decodeKey(text: string, origin: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    // Never echo the value: it may be a real key pasted in the wrong format.
    throw new StoreError('secret_key_invalid', `${origin} must be base64 of exactly ${KEY_BYTES} bytes (decoded to ${key.length})`);
  }
  return key;
}

export interface KeySource {
  secretKey?: string | Buffer;
  env: NodeJS.ProcessEnv;
  secretKeyFile?: string;
  /** Default key file for a file-backed SQLite store. */
  defaultKeyFile?: string;
  /** true for an in-memory SQLite store. */
  ephemeral: boolean;
}

export async function resolveSecretKey(src: KeySource): Promise<Buffer> {
  if (src.secretKey !== undefined) {
    return Buffer.isBuffer(src.secretKey) ? Buffer.from(src.secretKey) : decodeKey(src.secretKey, 'the secretKey option');
  }
  const fromEnv = src.env.SYNCD_SECRET_KEY;
  if (fromEnv) return decodeKey(fromEnv, 'SYNCD_SECRET_KEY');
  if (src.secretKeyFile) return readKeyFile(src.secretKeyFile, false);
  if (src.defaultKeyFile) return readKeyFile(src.defaultKeyFile, true);
  if (src.ephemeral) return randomBytes(KEY_BYTES);
  throw new StoreError(
    'secret_key_missing',
    'no key to encrypt credentials: set SYNCD_SECRET_KEY (base64 of 32 bytes, e.g. `openssl rand -base64 32`) or the secretKeyFile option; every worker sharing this database needs the same key',
  );
}

async function readKeyFile(file: string, create: boolean): Promise<Buffer> {
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new StoreError('secret_key_file_insecure', `key file ${file} is readable by group or others; run \`chmod 600 ${file}\``);
    }
    return decodeKey(await readFile(file, 'utf8'), `key file ${file}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    // 'wx' fails if another process created it meanwhile; then that process's key wins.
    await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file, false);
    throw err;
  }
}
