/**
 * HubSpot webhook signature v3: `X-HubSpot-Signature-v3` is
 * base64(HMAC-SHA256(client secret, METHOD + URI + raw body + timestamp)), with
 * `X-HubSpot-Request-Timestamp` in epoch milliseconds.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../constantTime.js';
import { headerValue } from '../headers.js';
import type { VerifyResult, WebhookRequest, WebhookVerifier } from '../types.js';

export interface HubSpotV3VerifierConfig {
  type: 'hubspot-v3';
  /** The app's client secret (a resolved secret value, never logged). */
  clientSecret: string;
  /**
   * Largest accepted distance between the request timestamp and the daemon's clock, in either
   * direction (HubSpot documents only the past side; a future timestamp beyond it means a skewed
   * clock or a forgery). @defaultValue 300000 (5 minutes, HubSpot's documented window)
   */
  maxSkewMs?: number;
}

/**
 * HubSpot decodes these escapes in the URI before hashing, and no others. The list is known from a
 * mirror of HubSpot's docs rather than a vendor page, and the official Node SDK does not decode at
 * all: keep the registered target URL free of such escapes so both readings agree.
 * Escapes are matched without case, as RFC 3986 makes `%3a` and `%3A` equivalent.
 */
const DECODED_ESCAPES = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

export function hubspotSignatureUri(url: string): string {
  return url.replace(DECODED_ESCAPES, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function hubspotV3Signature(secret: string, method: string, url: string, rawBody: Buffer | string, timestamp: string): string {
  return createHmac('sha256', secret)
    .update(method.toUpperCase())
    .update(hubspotSignatureUri(url))
    .update(rawBody)
    .update(timestamp)
    .digest('base64');
}

export function hubspotV3Verifier(config: HubSpotV3VerifierConfig): WebhookVerifier {
  const maxSkewMs = config.maxSkewMs ?? 300_000;
  return {
    name: 'hubspot-v3',
    verify(request: WebhookRequest, now: number): VerifyResult {
      const signature = headerValue(request.headers, 'x-hubspot-signature-v3');
      if (!signature) return { ok: false, reason: 'missing_signature' };
      const timestamp = headerValue(request.headers, 'x-hubspot-request-timestamp');
      if (!timestamp) return { ok: false, reason: 'missing_timestamp' };
      if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'invalid_timestamp' };
      if (Math.abs(now - Number(timestamp)) > maxSkewMs) return { ok: false, reason: 'stale_timestamp' };
      const expected = hubspotV3Signature(config.clientSecret, request.method, request.url, request.rawBody, timestamp);
      return constantTimeEqual(expected, signature) ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },
  };
}
