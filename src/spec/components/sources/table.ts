import { registerComponent } from '../registry.js';
import { name, text } from '../fragments.js';
import { cursorSchema, scheduleSchema } from './schedule.js';

export const tableSource = registerComponent({
  kind: 'source',
  type: 'table',
  summary: 'Reads changed rows of a table of a local SQL database (a `sql` connector), ordered by a cursor column.',
  properties: {
    connector: name('The `sql` connector of the database.'),
    table: text('Table declared by that connector.', { examples: ['quotes'] }),
    schedule: scheduleSchema,
    cursor: cursorSchema,
  },
  required: ['connector', 'table', 'schedule', 'cursor'],
  example: { type: 'table', connector: 'quotey', table: 'quotes', schedule: { every: '10s' }, cursor: { field: 'updated_at', lookback: '30s' } },
});
