import { registerComponent } from '../registry.js';
import { jsonata, text } from '../fragments.js';

export const jsonataTransform = registerComponent({
  kind: 'transform',
  type: 'jsonata',
  summary: 'Replaces each record by the result of a JSONata expression (evaluated with a time and depth budget). `$tenant` and `$pipeline` are bound.',
  properties: {
    name: text('Label used in errors and metrics.'),
    expression: jsonata('Expression evaluated against the record.', '$merge([$, {"total": amount * quantity}])'),
  },
  required: ['expression'],
  example: { type: 'jsonata', name: 'compute-total', expression: '$merge([$, {"total": amount * quantity}])' },
});
