import { registerComponent } from '../registry.js';
import { secretRef } from '../fragments.js';

export const bearerAuth = registerComponent({
  kind: 'auth',
  type: 'bearer',
  summary: 'A long-lived token sent as `Authorization: Bearer …` (HubSpot private app tokens).',
  properties: {
    token: secretRef('The bearer token.'),
  },
  required: ['token'],
  example: { type: 'bearer', token: '${env:HUBSPOT_PRIVATE_APP_TOKEN}' },
});
