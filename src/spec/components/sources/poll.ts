import { registerComponent } from '../registry.js';
import { name, text } from '../fragments.js';
import { cursorSchema, scheduleSchema } from './schedule.js';

export const pollSource = registerComponent({
  kind: 'source',
  type: 'poll',
  summary: "Polls a connector object's list or search operation on a schedule, from an incremental cursor.",
  properties: {
    connector: name('Connector that is polled.'),
    object: text('Object of the connector.', { examples: ['deals'] }),
    operation: text('A `list` or `search` operation of that object. Default: `list`.', { examples: ['list', 'search'] }),
    schedule: scheduleSchema,
    cursor: cursorSchema,
  },
  required: ['connector', 'object', 'schedule', 'cursor'],
  example: { type: 'poll', connector: 'hubspot', object: 'deals', operation: 'search', schedule: { every: '1m' }, cursor: { field: 'hs_lastmodifieddate', lookback: '2m' } },
});
