import { registerComponent } from '../registry.js';
import { secretRef } from '../fragments.js';

export const basicAuthVerifier = registerComponent({
  kind: 'webhookVerifier',
  type: 'basic-auth',
  summary: 'HTTP Basic credentials set when the subscription was created (Pipedrive sends no signature).',
  properties: {
    username: secretRef('Expected user name.'),
    password: secretRef('Expected password.'),
  },
  required: ['username', 'password'],
  example: { type: 'basic-auth', username: '${env:PIPEDRIVE_WEBHOOK_USER}', password: '${env:PIPEDRIVE_WEBHOOK_PASSWORD}' },
});
