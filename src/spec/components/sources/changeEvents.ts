import { registerComponent } from '../registry.js';
import { name, text } from '../fragments.js';
import { CHANGE_TYPES } from '../../types.js';

export const changeEventsSource = registerComponent({
  kind: 'source',
  type: 'changeEvents',
  summary:
    "Record changes the connector streams (`changeEvents`, e.g. Salesforce Change Data Capture). Each event is stored in the inbox together with the position to resume from; the records are then read whole (a page at a time through the object's `batchRead`, or its `get`), so a gap event (values left out) is handled like any other.",
  properties: {
    connector: name('Connector whose change stream is read.'),
    object: text('Object whose changes are read; it must declare `changeTopic`.', { examples: ['Opportunity'] }),
    changes: {
      type: 'array',
      items: { enum: [...CHANGE_TYPES] },
      minItems: 1,
      uniqueItems: true,
      description: 'Change types to process (a GAP_ event counts as its type). A DELETE writes nothing: a deleted record linked to a local row opens a reconciliation item on that row. Default: all four.',
      examples: [['CREATE', 'UPDATE']],
    },
    fetch: text("Operation that reads the changed records (a `get`, or a `batchRead` taking many ids a call). Default: the object's `batchRead` where its calls cost no more than a `get` per record, else its `get`.", { examples: ['get'] }),
  },
  required: ['connector', 'object'],
  example: { type: 'changeEvents', connector: 'salesforce', object: 'Opportunity', changes: ['CREATE', 'UPDATE'] },
});
