import { registerComponent } from '../registry.js';
import { secretRef, text, textOrRef } from '../fragments.js';

export const composioAuth = registerComponent({
  kind: 'auth',
  type: 'composio',
  summary:
    "Operations run as Composio tools through a workspace user's connected account. The connected account id is stored per tenant; a missing or expired one pauses the tenant's work until it is reconnected.",
  properties: {
    apiKey: secretRef('Composio project API key (`x-api-key`).'),
    baseUrl: textOrRef('Composio API base URL.', ['https://backend.composio.dev']),
    toolkit: text('Composio toolkit slug.', { examples: ['hubspot', 'salesforce', 'pipedrive'] }),
    toolkitVersion: text('Pinned toolkit version sent with every execution, so tool schemas do not change under a running sync.', {
      examples: ['20250909_00'],
    }),
    userId: textOrRef('Composio user id when a connection does not carry its own.', ['${env:COMPOSIO_USER_ID}']),
  },
  required: ['apiKey', 'toolkit', 'toolkitVersion'],
  example: { type: 'composio', apiKey: '${env:COMPOSIO_API_KEY}', toolkit: 'hubspot', toolkitVersion: '20250909_00' },
});
