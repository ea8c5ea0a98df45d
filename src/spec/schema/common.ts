/** Parts shared by both document kinds: the header and metadata. */
import type { JsonSchema } from '../components/registry.js';
import { mapOf, name, strictObject, text } from '../components/fragments.js';

export const API_VERSION = 'syncd.dev/v1';

export function header(kind: 'Connector' | 'Pipeline'): Record<string, JsonSchema> {
  return {
    apiVersion: { const: API_VERSION, description: `Version of the file format. Supported: \`${API_VERSION}\`.` },
    kind: { const: kind, description: `\`${kind}\`.` },
    metadata: strictObject(
      {
        name: name(`Unique name of the ${kind.toLowerCase()}; other files refer to it by this name.`),
        title: text('Human-readable name.'),
        description: text('What this file is for.'),
        labels: mapOf({ type: 'string' }, 'Free-form labels for selection and metrics.'),
      },
      ['name'],
      'Identity of the document.',
    ),
  };
}
