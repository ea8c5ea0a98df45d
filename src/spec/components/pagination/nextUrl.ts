import { registerComponent } from '../registry.js';
import { jsonata } from '../fragments.js';

export const nextUrlPagination = registerComponent({
  kind: 'pagination',
  type: 'nextUrl',
  summary: 'Each response names the URL of the next page (Salesforce `nextRecordsUrl`).',
  properties: {
    next: jsonata('Where the next URL is in the response; absent or null ends the listing.', 'nextRecordsUrl'),
    done: jsonata('Optional: true when this is the last page.', 'done'),
  },
  required: ['next'],
  example: { type: 'nextUrl', next: 'nextRecordsUrl', done: 'done' },
});
