import { registerComponent } from '../registry.js';

export const noVerifier = registerComponent({
  kind: 'webhookVerifier',
  type: 'none',
  summary: 'No verification. Only for a trusted network; `syncd validate` warns about it.',
  properties: {},
  example: { type: 'none' },
});
