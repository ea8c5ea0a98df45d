import type { IncomingHttpHeaders } from 'node:http';
import { createVerifier } from '../../src/server/webhooks/verifiers/index.js';
import { hubspotSignatureUri } from '../../src/server/webhooks/verifiers/hubspotV3.js';
import type { WebhookRequest } from '../../src/server/webhooks/types.js';
import { basic, signV3 } from './harness.js';

// FACTS.md §1.9 test vectors.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://www.example.com/webhook_uri';
const BODY = "{'example_field':'example_value'}";

function req(headers: IncomingHttpHeaders, body = BODY, url = URI, method = 'POST'): WebhookRequest {
  return { method, url, headers, rawBody: Buffer.from(body, 'utf8') };
}

describe('hubspot-v3 verifier', () => {
  const v = createVerifier({ type: 'hubspot-v3', clientSecret: SECRET });

  it.each([
    [1693657560000, 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y='],
    [1700000300000, 'RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw='],
  ])('accepts the documented vector with timestamp %s', (ts, signature) => {
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(ts) };
    expect(v.verify(req(headers), ts)).toEqual({ ok: true });
  });

  it('rejects a vector signature presented with the other vector timestamp', () => {
    const headers = { 'x-hubspot-signature-v3': 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=', 'x-hubspot-request-timestamp': '1700000300000' };
    expect(v.verify(req(headers), 1700000300000)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects when body, method, URI or secret differ', () => {
    const ts = 1693657560000;
    const headers = { 'x-hubspot-signature-v3': 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=', 'x-hubspot-request-timestamp': String(ts) };
    expect(v.verify(req(headers, BODY + ' '), ts).ok).toBe(false);
    expect(v.verify(req(headers, BODY, URI, 'PUT'), ts).ok).toBe(false);
    expect(v.verify(req(headers, BODY, URI + '?x=1'), ts).ok).toBe(false);
    expect(createVerifier({ type: 'hubspot-v3', clientSecret: SECRET + 'z' }).verify(req(headers), ts).ok).toBe(false);
  });

  it('rejects a truncated or padded signature without throwing', () => {
    const ts = 1693657560000;
    for (const sig of ['K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y', 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y==', 'x', '']) {
      const r = v.verify(req({ 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': String(ts) }), ts);
      expect(r.ok).toBe(false);
    }
  });

  it('enforces the 300 s window on both sides of the clock, inclusive', () => {
    const ts = 1_800_000_000_000;
    const headers = { 'x-hubspot-signature-v3': signV3(SECRET, 'POST', URI, BODY, ts), 'x-hubspot-request-timestamp': String(ts) };
    expect(v.verify(req(headers), ts + 300_000)).toEqual({ ok: true });
    expect(v.verify(req(headers), ts + 300_001)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(v.verify(req(headers), ts - 300_000)).toEqual({ ok: true });
    expect(v.verify(req(headers), ts - 300_001)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('honours a configured window', () => {
    const narrow = createVerifier({ type: 'hubspot-v3', clientSecret: SECRET, maxSkewMs: 1000 });
    const ts = 1_800_000_000_000;
    const headers = { 'x-hubspot-signature-v3': signV3(SECRET, 'POST', URI, BODY, ts), 'x-hubspot-request-timestamp': String(ts) };
    expect(narrow.verify(req(headers), ts + 1000).ok).toBe(true);
    expect(narrow.verify(req(headers), ts + 1001)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('names what is missing or malformed', () => {
    expect(v.verify(req({ 'x-hubspot-request-timestamp': '1' }), 1)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(v.verify(req({ 'x-hubspot-signature-v3': 'abc' }), 1)).toEqual({ ok: false, reason: 'missing_timestamp' });
    for (const ts of ['1.7e12', '-5', '0x10', '1693657560000 ']) {
      expect(v.verify(req({ 'x-hubspot-signature-v3': 'abc', 'x-hubspot-request-timestamp': ts }), 1)).toEqual({ ok: false, reason: 'invalid_timestamp' });
    }
  });

  it('decodes exactly the documented escapes in the URI before hashing', () => {
    expect(hubspotSignatureUri('https://h/p%3Ax%2Fy%3Fz%40%21%24%27%28%29%2A%2C%3B')).toBe("https://h/p:x/y?z@!$'()*,;");
    expect(hubspotSignatureUri('https://h/p%3ax')).toBe('https://h/p:x');
    expect(hubspotSignatureUri('https://h/a%20b%25c%26d%3D')).toBe('https://h/a%20b%25c%26d%3D');

    const ts = 1_800_000_000_000;
    const signedOverDecoded = signV3(SECRET, 'POST', 'https://h/hook?since=2024-01-01T00:00:00Z&q=a%20b', '[]', ts);
    const headers = { 'x-hubspot-signature-v3': signedOverDecoded, 'x-hubspot-request-timestamp': String(ts) };
    expect(v.verify(req(headers, '[]', 'https://h/hook?since=2024-01-01T00%3A00%3A00Z&q=a%20b'), ts)).toEqual({ ok: true });
  });
});

describe('hubspot-v1 and hubspot-v2 verifiers', () => {
  // FACTS.md §1.9: v1 over the event-object array, v2 over POST + URI + JSON body.
  const V1_BODY =
    '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
  const V1_SIG = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
  const V2_BODY = '{"example_field":"example_value"}';
  const V2_SIG = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';
  const v1 = createVerifier({ type: 'hubspot-v1', clientSecret: SECRET });
  const v2 = createVerifier({ type: 'hubspot-v2', clientSecret: SECRET });

  it('accept the documented vectors', () => {
    expect(v1.verify(req({ 'x-hubspot-signature': V1_SIG, 'x-hubspot-signature-version': 'v1' }, V1_BODY), 0)).toEqual({ ok: true });
    expect(v2.verify(req({ 'x-hubspot-signature': V2_SIG, 'x-hubspot-signature-version': 'v2' }, V2_BODY), 0)).toEqual({ ok: true });
    expect(v1.verify(req({ 'x-hubspot-signature': V1_SIG.toUpperCase() }, V1_BODY), 0)).toEqual({ ok: true });
  });

  it('reject another body, URI, a mismatched version header or no signature', () => {
    expect(v1.verify(req({ 'x-hubspot-signature': V1_SIG }, V1_BODY + ' '), 0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(v2.verify(req({ 'x-hubspot-signature': V2_SIG }, V2_BODY, URI + '/x'), 0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(v1.verify(req({ 'x-hubspot-signature': V1_SIG, 'x-hubspot-signature-version': 'v2' }, V1_BODY), 0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(v2.verify(req({}, V2_BODY), 0)).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('basic-auth verifier', () => {
  const v = createVerifier({ type: 'basic-auth', username: 'pipedrive', password: 'pa:ss wörd' });
  const check = (authorization?: string) => v.verify(req(authorization === undefined ? {} : { authorization }), 0);

  it('accepts the configured user and password (a colon in the password included)', () => {
    expect(check(basic('pipedrive', 'pa:ss wörd'))).toEqual({ ok: true });
    expect(check('basic ' + Buffer.from('pipedrive:pa:ss wörd').toString('base64'))).toEqual({ ok: true });
  });

  it('rejects a wrong user, a wrong password, or a prefix of either', () => {
    expect(check(basic('pipedrivE', 'pa:ss wörd'))).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(check(basic('pipedrive', 'pa:ss word'))).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(check(basic('pipedrive', 'pa:ss'))).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(check(basic('pipe', 'pa:ss wörd'))).toEqual({ ok: false, reason: 'bad_credentials' });
  });

  it('tells missing credentials from malformed ones', () => {
    expect(check()).toEqual({ ok: false, reason: 'missing_credentials' });
    expect(check('Bearer abc')).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(check('Basic ' + Buffer.from('no-colon').toString('base64'))).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(check('Basic !!!')).toEqual({ ok: false, reason: 'bad_credentials' });
  });
});

describe('verifier selection', () => {
  it('selects by name and refuses unknown names', () => {
    expect(createVerifier({ type: 'none' }).verify(req({}), 0)).toEqual({ ok: true });
    expect(createVerifier({ type: 'hubspot-v3', clientSecret: 's' }).name).toBe('hubspot-v3');
    expect(() => createVerifier({ type: 'hmac-sha1' } as never)).toThrowErrorMatchingInlineSnapshot(
      `[Error: unknown webhook verifier "hmac-sha1"; known: hubspot-v3, hubspot-v2, hubspot-v1, basic-auth, none]`,
    );
  });
});
