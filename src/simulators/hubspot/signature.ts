/**
 * HubSpot request signatures (FACTS §1.9). v3 is what receivers should check; v1 is sent along
 * with CRM webhook deliveries, v2 is used by workflow webhooks and CRM cards.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How old a v3 timestamp may be before the request must be rejected. */
export const HUBSPOT_V3_MAX_AGE_MS = 300_000;

const DECODED_ESCAPES: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/**
 * The URI as HubSpot hashes it: exactly these escapes are decoded, every other one is kept
 * [DOC via mirror = 2nd]. The official Node SDK does not decode, so targets that contain such
 * escapes verify differently there.
 */
export function normaliseSignatureUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED_ESCAPES[m.toUpperCase()] ?? m);
}

/** base64(HMAC-SHA256(clientSecret, METHOD + URI + body + timestamp)). */
export function signHubspotV3(clientSecret: string, method: string, uri: string, body: string, timestamp: number | string): string {
  return createHmac('sha256', clientSecret)
    .update(`${method.toUpperCase()}${normaliseSignatureUri(uri)}${body}${timestamp}`, 'utf8')
    .digest('base64');
}

/** hex(SHA-256(clientSecret + METHOD + URI + body)). */
export function signHubspotV2(clientSecret: string, method: string, uri: string, body: string): string {
  return createHash('sha256').update(`${clientSecret}${method.toUpperCase()}${uri}${body}`, 'utf8').digest('hex');
}

/** hex(SHA-256(clientSecret + body)). */
export function signHubspotV1(clientSecret: string, body: string): string {
  return createHash('sha256').update(`${clientSecret}${body}`, 'utf8').digest('hex');
}

export interface V3Check {
  clientSecret: string;
  method: string;
  uri: string;
  body: string;
  /** `X-HubSpot-Request-Timestamp`. */
  timestamp: string | undefined;
  /** `X-HubSpot-Signature-v3`. */
  signature: string | undefined;
  /** @defaultValue Date.now() */
  now?: number;
}

/** Verifies a v3 signature in constant time and rejects timestamps older than five minutes. */
export function verifyHubspotV3(c: V3Check): boolean {
  if (!c.signature || !c.timestamp || !/^\d+$/.test(c.timestamp)) return false;
  if ((c.now ?? Date.now()) - Number(c.timestamp) > HUBSPOT_V3_MAX_AGE_MS) return false;
  const expected = Buffer.from(signHubspotV3(c.clientSecret, c.method, c.uri, c.body, c.timestamp));
  const given = Buffer.from(c.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
