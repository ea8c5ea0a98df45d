import { registerComponent } from '../registry.js';
import { duration, secretRef } from '../fragments.js';

export const hubspotV3Verifier = registerComponent({
  kind: 'webhookVerifier',
  type: 'hubspot-v3',
  summary:
    'HubSpot signature v3: HMAC-SHA256 of method, full URI, raw body and timestamp with the app client secret, compared in constant time, within a timestamp window.',
  properties: {
    secret: secretRef('The app client secret.'),
    tolerance: duration('Oldest accepted `X-HubSpot-Request-Timestamp`.', '5m'),
  },
  required: ['secret'],
  example: { type: 'hubspot-v3', secret: '${env:HUBSPOT_CLIENT_SECRET}', tolerance: '5m' },
});
