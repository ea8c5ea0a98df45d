/**
 * Resolving `${env:…}` and `${file:…}` references, and which resolved values are reported for
 * scrubbing: credentials are, settings that only identify something are not, and of a URL only
 * the credentials it carries.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveDeep, SecretResolutionError } from '../../src/spec/secrets.js';
import { SecretRegistry } from '../../src/telemetry/secrets.js';

function resolveWith(env: Record<string, string>, doc: unknown): { doc: unknown; reported: string[] } {
  const reported: string[] = [];
  return { doc: resolveDeep(doc, { env, onResolved: (v) => reported.push(v) }), reported };
}

describe('secret references', () => {
  it('resolve env and file references and report every credential', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'syncd-secret-'));
    writeFileSync(path.join(dir, 'token'), 'file-token-9b1c\n');
    const { doc, reported } = resolveWith(
      { CLIENT_SECRET: 'client-secret-77aa', API_KEY: 'api-key-31f0', DB: 'postgres://syncd:db-pass-19@db/syncd' },
      { auth: { clientSecret: '${env:CLIENT_SECRET}', key: '${env:API_KEY}', refreshToken: `\${file:${path.join(dir, 'token')}}` }, database: '${env:DB}' },
    );
    expect(doc).toStrictEqual({ auth: { clientSecret: 'client-secret-77aa', key: 'api-key-31f0', refreshToken: 'file-token-9b1c' }, database: 'postgres://syncd:db-pass-19@db/syncd' });
    expect(reported.sort()).toStrictEqual(['api-key-31f0', 'client-secret-77aa', 'file-token-9b1c', 'postgres://syncd:db-pass-19@db/syncd']);
  });

  it('do not report user names, client ids or field keys, nor a URL without credentials', () => {
    const { doc, reported } = resolveWith(
      { USER: 'syncd', PASSWORD: 'hook-password-7f3a', CLIENT_ID: 'client-id-1', FIELD: 'a1b2c3d4e5', BASE: 'http://127.0.0.1:4010' },
      {
        baseUrl: '${env:BASE}/services/data/v66.0',
        auth: { clientId: '${env:CLIENT_ID}', tokenUrl: '${env:BASE}/oauth/token' },
        webhooks: { verify: { username: '${env:USER}', password: '${env:PASSWORD}' } },
        objects: { persons: { properties: { queast_id: { wireName: '${env:FIELD}' } } } },
      },
    );
    expect((doc as { baseUrl: string }).baseUrl).toBe('http://127.0.0.1:4010/services/data/v66.0');
    expect(reported).toStrictEqual(['hook-password-7f3a']);
    // What the daemon's output keeps: its own name, in every metric and log line.
    const registry = new SecretRegistry();
    reported.forEach((v) => registry.register(v));
    expect(registry.redact('syncd_outbox_queue_depth{pipeline="p"} 3; user syncd')).toBe('syncd_outbox_queue_depth{pipeline="p"} 3; user syncd');
  });

  it('report the credentials a URL setting carries, not the URL', () => {
    const { reported } = resolveWith({ BASE: 'https://robot:p%40ss-word-5@api.example.com/v1?api_key=query-key-8d2e&region=eu' }, { baseUrl: '${env:BASE}' });
    expect(reported).toStrictEqual(['p@ss-word-5', 'query-key-8d2e', 'eu']);
  });

  it('report a URL setting that is not a URL whole, on the safe side', () => {
    expect(resolveWith({ BASE: 'api.example.com/secret-path-4c' }, { baseUrl: '${env:BASE}' }).reported).toStrictEqual(['api.example.com/secret-path-4c']);
  });

  it('name the reference, never a value, when one cannot be resolved', () => {
    expect(() => resolveWith({}, { auth: { key: '${env:MISSING_KEY}' } })).toThrow(SecretResolutionError);
    expect(() => resolveWith({}, { auth: { key: '${env:MISSING_KEY}' } })).toThrow('environment variable MISSING_KEY is not set (referenced as ${env:MISSING_KEY})');
  });
});
