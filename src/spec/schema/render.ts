import { connectorSchema } from './connectorSchema.js';
import { pipelineSchema } from './pipelineSchema.js';

/** The committed schema files, by file name, exactly as written to `schemas/`. */
export function renderSchemas(): Record<string, string> {
  return {
    'connector.v1.schema.json': JSON.stringify(connectorSchema(), null, 2) + '\n',
    'pipeline.v1.schema.json': JSON.stringify(pipelineSchema(), null, 2) + '\n',
  };
}
