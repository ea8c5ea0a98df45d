import { registerComponent } from '../registry.js';
import { secretRef, text } from '../fragments.js';

export const apiKeyAuth = registerComponent({
  kind: 'auth',
  type: 'apiKey',
  summary: 'A static API key sent in a header (Pipedrive `x-api-token`) or a query parameter.',
  properties: {
    header: text('Header that carries the key.', { examples: ['x-api-token'] }),
    queryParam: text('Query parameter that carries the key, for APIs without a header form.', { examples: ['api_token'] }),
    key: secretRef('The API key.'),
  },
  required: ['key'],
  example: { type: 'apiKey', header: 'x-api-token', key: '${env:PIPEDRIVE_API_TOKEN}' },
});
