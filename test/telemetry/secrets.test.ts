import { SecretRegistry, MIN_SECRET_LENGTH } from '../../src/telemetry/secrets.js';

describe('SecretRegistry', () => {
  it('returns text untouched when nothing is registered', () => {
    const r = new SecretRegistry();
    expect(r.size).toBe(0);
    expect(r.redact('Bearer abcdef')).toBe('Bearer abcdef');
    expect(r.contains('anything')).toBe(false);
  });

  it('replaces every occurrence of a registered value', () => {
    const r = new SecretRegistry();
    r.register('s3cr3t-value');
    expect(r.redact('a s3cr3t-value b s3cr3t-value')).toBe('a [REDACTED] b [REDACTED]');
    expect(r.contains('xx s3cr3t-value')).toBe(true);
    expect(r.contains('nothing here')).toBe(false);
  });

  it('treats regular-expression characters in secrets literally', () => {
    const r = new SecretRegistry();
    r.register('a.b*c(d)');
    expect(r.redact('aXbbbc(d) a.b*c(d)')).toBe('aXbbbc(d) [REDACTED]');
  });

  it('also scrubs the JSON-escaped and URL-encoded forms of a secret', () => {
    const r = new SecretRegistry();
    const secret = 'p@ss"w/rd\\x';
    r.register(secret);
    expect(r.redact(JSON.stringify({ v: secret }))).toBe('{"v":"[REDACTED]"}');
    expect(r.redact(`https://h/?k=${encodeURIComponent(secret)}`)).toBe('https://h/?k=[REDACTED]');
    expect(r.redact(JSON.stringify({ url: `https://h/?k=${encodeURIComponent(secret)}` }))).toBe('{"url":"https://h/?k=[REDACTED]"}');
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const r = new SecretRegistry();
    r.register('token-1234');
    r.register('token-1234-extended');
    expect(r.redact('x token-1234-extended y')).toBe('x [REDACTED] y');
  });

  it('ignores values too short to be secrets, and non-strings', () => {
    const r = new SecretRegistry();
    r.register('x'.repeat(MIN_SECRET_LENGTH - 1));
    r.register(undefined);
    r.register(null);
    expect(r.size).toBe(0);
  });
});
