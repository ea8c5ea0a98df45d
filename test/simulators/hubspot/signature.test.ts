import { normaliseSignatureUri, signHubspotV1, signHubspotV2, signHubspotV3, verifyHubspotV3 } from '../../../src/simulators/hubspot/index.js';

// Test vectors from FACTS §1.9.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://www.example.com/webhook_uri';

describe('HubSpot webhook signatures', () => {
  it('matches both v3 vectors', () => {
    const body = "{'example_field':'example_value'}";
    expect(signHubspotV3(SECRET, 'POST', URI, body, 1693657560000)).toBe('K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=');
    expect(signHubspotV3(SECRET, 'POST', URI, body, '1700000300000')).toBe('RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=');
  });

  it('matches the v2 vector', () => {
    expect(signHubspotV2(SECRET, 'POST', URI, '{"example_field":"example_value"}')).toBe('9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900');
  });

  it('matches the v1 vector (a delivery body: a JSON array of events)', () => {
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    expect(signHubspotV1(SECRET, body)).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
  });

  it('decodes only the documented escapes in the URI', () => {
    expect(normaliseSignatureUri('https://h.example/a%3Ab%2Fc%20d%3fe')).toBe('https://h.example/a:b/c%20d?e');
  });

  it('verifies v3 in constant time and rejects stale timestamps', () => {
    const now = 1_700_000_000_000;
    const sig = signHubspotV3(SECRET, 'POST', URI, '[]', now - 1000);
    const base = { clientSecret: SECRET, method: 'POST', uri: URI, body: '[]', now };
    expect(verifyHubspotV3({ ...base, timestamp: String(now - 1000), signature: sig })).toBe(true);
    expect(verifyHubspotV3({ ...base, body: '[{}]', timestamp: String(now - 1000), signature: sig })).toBe(false);
    const old = signHubspotV3(SECRET, 'POST', URI, '[]', now - 300_001);
    expect(verifyHubspotV3({ ...base, timestamp: String(now - 300_001), signature: old })).toBe(false);
  });
});
