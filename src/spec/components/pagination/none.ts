import { registerComponent } from '../registry.js';

export const noPagination = registerComponent({
  kind: 'pagination',
  type: 'none',
  summary: 'One response holds every record.',
  properties: {},
  example: { type: 'none' },
});
