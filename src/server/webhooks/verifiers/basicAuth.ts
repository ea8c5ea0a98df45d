/**
 * HTTP Basic authentication of a webhook sender. Pipedrive's webhooks carry no signature: the user
 * and password set when the webhook was created, sent as `Authorization: Basic …`, are the only
 * proof of origin. (Known from the webhook API's `http_auth_user`/`http_auth_password` fields and a
 * secondary description of the header, not from a Pipedrive page showing a delivery.)
 */
import { constantTimeEqual } from '../constantTime.js';
import { headerValue } from '../headers.js';
import type { VerifyResult, WebhookRequest, WebhookVerifier } from '../types.js';

export interface BasicAuthVerifierConfig {
  type: 'basic-auth';
  username: string;
  /** A resolved secret value, never logged. */
  password: string;
}

export function basicAuthVerifier(config: BasicAuthVerifierConfig): WebhookVerifier {
  return {
    name: 'basic-auth',
    verify(request: WebhookRequest): VerifyResult {
      const header = headerValue(request.headers, 'authorization');
      if (!header) return { ok: false, reason: 'missing_credentials' };
      const match = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
      if (!match) return { ok: false, reason: 'bad_credentials' };
      const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return { ok: false, reason: 'bad_credentials' };
      // Both comparisons always run, so the time taken does not tell which part was wrong.
      const userOk = constantTimeEqual(decoded.slice(0, colon), config.username);
      const passwordOk = constantTimeEqual(decoded.slice(colon + 1), config.password);
      return userOk && passwordOk ? { ok: true } : { ok: false, reason: 'bad_credentials' };
    },
  };
}
