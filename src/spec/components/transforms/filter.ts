import { registerComponent } from '../registry.js';
import { jsonata, text } from '../fragments.js';

export const filterTransform = registerComponent({
  kind: 'transform',
  type: 'filter',
  summary: 'Keeps only the records for which a JSONata expression is true; the others are skipped and counted.',
  properties: {
    name: text('Label used in errors and metrics.'),
    expression: jsonata('Predicate evaluated against the record.', "state in ['sent', 'accepted']"),
  },
  required: ['expression'],
  example: { type: 'filter', name: 'only-live-quotes', expression: "state in ['sent', 'accepted']" },
});
