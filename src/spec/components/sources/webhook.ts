import { registerComponent } from '../registry.js';
import { name, stringList, text } from '../fragments.js';

export const webhookSource = registerComponent({
  kind: 'source',
  type: 'webhook',
  summary:
    "Events the connector's webhooks deliver to `syncd run`. Each delivery is verified, made durable in the inbox before it is acknowledged, and processed once.",
  properties: {
    connector: name('Connector whose webhooks are received.'),
    object: text('Object the events are about.', { examples: ['companies'] }),
    events: stringList('Event types to accept, as the vendor names them.', { minItems: 1, examples: [['company.propertyChange']] }),
    fetch: text("Operation that reads the records the events name (a `get`, or a `batchRead` taking many ids a call). Default: the object's `batchRead` where its calls cost no more than a `get` per record, else its `get`.", {
      examples: ['get'],
    }),
  },
  required: ['connector', 'object', 'events'],
  example: { type: 'webhook', connector: 'hubspot', object: 'companies', events: ['company.propertyChange'] },
});
