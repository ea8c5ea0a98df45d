import { registerComponent } from '../registry.js';
import { bool, duration, secretRef, text, textOrRef } from '../fragments.js';

export const oauth2Auth = registerComponent({
  kind: 'auth',
  type: 'oauth2',
  summary:
    'OAuth 2 with a refresh token. The access token is refreshed before it expires and after a 401, once for all concurrent callers; a rotated refresh token is stored encrypted.',
  properties: {
    tokenUrl: textOrRef('Token endpoint. Absolute, or relative to `baseUrl`.', ['/oauth/v1/token', 'https://oauth.pipedrive.com/oauth/token']),
    clientId: secretRef('OAuth client id.'),
    clientSecret: secretRef('OAuth client secret.'),
    refreshToken: secretRef('Initial refresh token; once the vendor rotates it, the stored one is used.'),
    clientAuthentication: {
      enum: ['body', 'basic'],
      default: 'body',
      description: 'Where client credentials go: form fields (`body`, HubSpot and Salesforce) or an HTTP Basic header (`basic`, Pipedrive). Default: body.',
    },
    refreshEarly: duration('Refresh this long before the access token expires.', '2m'),
    instanceUrlField: text('Token response field that replaces the base URL (Salesforce `instance_url`, Pipedrive `api_domain`).', {
      examples: ['instance_url', 'api_domain'],
    }),
    instanceUrlSuffix: text('Appended to the instance URL from the token response to form the base URL.', { examples: ['/services/data/v66.0', '/api/v2'] }),
    rotatesRefreshToken: bool('Whether the vendor may return a new refresh token on each refresh.', false),
  },
  required: ['tokenUrl', 'clientId', 'clientSecret', 'refreshToken'],
  example: {
    type: 'oauth2',
    tokenUrl: '/oauth/v1/token',
    clientId: '${env:HUBSPOT_CLIENT_ID}',
    clientSecret: '${env:HUBSPOT_CLIENT_SECRET}',
    refreshToken: '${env:HUBSPOT_REFRESH_TOKEN}',
  },
});
