/**
 * HubSpot's older signatures, sent in `X-HubSpot-Signature` with `X-HubSpot-Signature-Version`:
 * - v1: hex(SHA-256(client secret + raw body)). HubSpot's docs say CRM webhook subscriptions carry
 *   v1, so an app whose deliveries lack the v3 headers needs this verifier.
 * - v2: hex(SHA-256(client secret + METHOD + URI + raw body)), used by workflow webhooks and CRM cards.
 * Neither carries a timestamp, so a captured delivery stays valid forever: replay protection rests
 * on event ids alone. Prefer `hubspot-v3` whenever the v3 headers are present.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../constantTime.js';
import { headerValue } from '../headers.js';
import type { VerifyResult, WebhookRequest, WebhookVerifier } from '../types.js';

export interface HubSpotLegacyVerifierConfig {
  type: 'hubspot-v1' | 'hubspot-v2';
  /** The app's client secret (a resolved secret value, never logged). */
  clientSecret: string;
}

export function hubspotLegacySignature(version: 'v1' | 'v2', secret: string, method: string, url: string, rawBody: Buffer | string): string {
  const h = createHash('sha256').update(secret);
  if (version === 'v2') h.update(method.toUpperCase()).update(url);
  return h.update(rawBody).digest('hex');
}

export function hubspotLegacyVerifier(config: HubSpotLegacyVerifierConfig): WebhookVerifier {
  const version = config.type === 'hubspot-v1' ? 'v1' : 'v2';
  return {
    name: config.type,
    verify(request: WebhookRequest): VerifyResult {
      const signature = headerValue(request.headers, 'x-hubspot-signature');
      if (!signature) return { ok: false, reason: 'missing_signature' };
      const declared = headerValue(request.headers, 'x-hubspot-signature-version');
      if (declared !== undefined && declared.toLowerCase() !== version) return { ok: false, reason: 'bad_signature' };
      const expected = hubspotLegacySignature(version, config.clientSecret, request.method, request.url, request.rawBody);
      return constantTimeEqual(expected, signature.toLowerCase()) ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },
  };
}
