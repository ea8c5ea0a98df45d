import { registerComponent } from '../registry.js';
import { integer, jsonata, text } from '../fragments.js';

export const cursorPagination = registerComponent({
  kind: 'pagination',
  type: 'cursor',
  summary: 'An opaque cursor from each response is sent back as a parameter (HubSpot `after`, Pipedrive `cursor`).',
  properties: {
    param: text('Request parameter that carries the cursor.', { examples: ['after', 'cursor'] }),
    in: { enum: ['query', 'body'], default: 'query', description: 'Where the cursor parameter goes. Default: query.' },
    next: jsonata('Where the next cursor is in the response; absent or null ends the listing.', 'paging.next.after'),
    limitParam: text('Request parameter for the page size.', { examples: ['limit'] }),
    pageSize: integer('Records per page.', 1, 10_000),
  },
  required: ['param', 'next'],
  example: { type: 'cursor', param: 'after', next: 'paging.next.after', limitParam: 'limit', pageSize: 100 },
});
