import { SecretRegistry, isSensitiveKey, redactValue } from '../../src/telemetry/logger.js';
import { capturingLogger } from './capture.js';

describe('isSensitiveKey', () => {
  it.each([
    'authorization',
    'Authorization',
    'cookie',
    'Set-Cookie',
    'password',
    'secret',
    'token',
    'access_token',
    'refresh_token',
    'client_secret',
    'api_key',
    'x-api-key',
    'apiKey',
    'http_auth_password',
    'X-HubSpot-Signature-v3',
    'bearerToken',
  ])('%s is sensitive', (key) => expect(isSensitiveKey(key)).toBe(true));

  it.each(['tenant', 'pipeline', 'idempotencyKey', 'email', 'x-hubspot-request-timestamp', 'token_type_hint_count'])(
    '%s is not',
    (key) => expect(isSensitiveKey(key)).toBe(false),
  );
});

describe('redactValue', () => {
  const secrets = new SecretRegistry();

  it('redacts sensitive keys at any depth, in arrays, maps and Headers', () => {
    const out = redactValue(
      {
        a: { b: { c: { d: { password: 'p1', keep: 'k' } } } },
        list: [{ token: 't1' }, { access_token: 't2', id: 3 }],
        map: new Map([['Authorization', 'Basic xyz']]),
        headers: new Headers({ 'x-api-key': 'k1', accept: 'json' }),
      },
      { secrets },
    );
    expect(out).toEqual({
      a: { b: { c: { d: { password: '[REDACTED]', keep: 'k' } } } },
      list: [{ token: '[REDACTED]' }, { access_token: '[REDACTED]', id: 3 }],
      map: { Authorization: '[REDACTED]' },
      headers: { 'x-api-key': '[REDACTED]', accept: 'json' },
    });
  });

  it('turns errors into plain objects whose properties and causes are redacted', () => {
    const cause = Object.assign(new Error('inner'), { config: { headers: { authorization: 'Bearer zzz' } } });
    const err = Object.assign(new TypeError('outer', { cause }), { code: 'E_X', request: { apiKey: 'k' } });
    const out = redactValue({ err }, { secrets }) as { err: Record<string, unknown> };
    expect(out.err).toMatchObject({
      type: 'TypeError',
      message: 'outer',
      code: 'E_X',
      request: { apiKey: '[REDACTED]' },
      cause: { type: 'Error', message: 'inner', config: { headers: { authorization: '[REDACTED]' } } },
    });
    expect(typeof out.err.stack).toBe('string');
  });

  it('cuts cycles and depth, and never dumps raw bytes', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const shared = { v: 1 };
    const out = redactValue({ loop, a: shared, b: shared, body: Buffer.from('token=abc'), deep: { x: { y: { z: 1 } } } }, { secrets, maxDepth: 3 });
    expect(out).toEqual({
      loop: { name: 'loop', self: '[Circular]' },
      a: { v: 1 },
      b: { v: 1 },
      body: '[9 bytes]',
      deep: { x: { y: '[Truncated]' } },
    });
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line with level label and ISO time', () => {
    const { logger, records } = capturingLogger({ secrets: new SecretRegistry() });
    logger.info({ tenant: 'acme' }, 'hello');
    const [rec] = records();
    expect(rec).toMatchObject({ level: 'info', tenant: 'acme', msg: 'hello' });
    expect(new Date(rec?.time as string).toISOString()).toBe(rec?.time);
  });

  it('redacts by key in logged objects, logged errors and child bindings', () => {
    const { logger, lines } = capturingLogger({ secrets: new SecretRegistry() });
    logger.child({ client_secret: 'child-binding-secret' }).warn(
      { req: { headers: { authorization: 'Bearer key-only-secret', cookie: 'sid=cookie-secret' } } },
      'request failed',
    );
    logger.error(Object.assign(new Error('boom'), { options: { headers: { 'x-api-key': 'error-prop-secret' } } }));
    const text = lines.join('');
    for (const s of ['child-binding-secret', 'key-only-secret', 'cookie-secret', 'error-prop-secret']) expect(text).not.toContain(s);
    expect(text.match(/\[REDACTED\]/g)?.length).toBe(4);
    expect(lines[1]).toContain('"msg":"boom"');
  });

  it('redacts bindings of grandchildren and of setBindings', () => {
    const { logger, lines } = capturingLogger({ secrets: new SecretRegistry() });
    const grandchild = logger.child({ tenant: 'acme' }).child({ conn: { refresh_token: 'grandchild-secret' } });
    grandchild.info('one');
    grandchild.setBindings({ password: 'set-bindings-secret' });
    grandchild.info('two');
    const text = lines.join('');
    expect(text).not.toContain('grandchild-secret');
    expect(text).not.toContain('set-bindings-secret');
    expect(JSON.parse(lines[1] as string)).toMatchObject({ tenant: 'acme', conn: { refresh_token: '[REDACTED]' }, password: '[REDACTED]' });
  });

  it('scrubs registered values from messages, nested strings and error messages', () => {
    const secrets = new SecretRegistry();
    const secret = 'registered-Value-42"';
    secrets.register(secret);
    const { logger, lines } = capturingLogger({ secrets });
    logger.info({ note: `echo ${secret}`, deep: [{ x: { y: secret } }] }, `msg has ${secret}`);
    logger.error(new Error(`vendor said: invalid key ${secret}`));
    logger.info(`url https://x/?k=${encodeURIComponent(secret)}`);
    const text = lines.join('');
    expect(text).not.toContain('registered-Value-42');
    expect(text.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(6);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ msg: 'msg has [REDACTED]', note: 'echo [REDACTED]' });
  });

  it('honours the level', () => {
    const { logger, lines } = capturingLogger({ level: 'warn', secrets: new SecretRegistry() });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines).toHaveLength(1);
  });
});
