import { registerComponent } from '../registry.js';
import { integer, jsonata, text } from '../fragments.js';

export const offsetPagination = registerComponent({
  kind: 'pagination',
  type: 'offset',
  summary: 'Pages addressed by a start offset (Pipedrive v1 `start`/`limit`).',
  properties: {
    param: text('Request parameter for the offset.', { examples: ['start'] }),
    limitParam: text('Request parameter for the page size.', { examples: ['limit'] }),
    pageSize: integer('Records per page.', 1, 10_000),
    more: jsonata('True while more pages exist.', 'additional_data.pagination.more_items_in_collection'),
  },
  required: ['param', 'limitParam', 'pageSize'],
  example: { type: 'offset', param: 'start', limitParam: 'limit', pageSize: 500, more: 'additional_data.pagination.more_items_in_collection' },
});
