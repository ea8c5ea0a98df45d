import { connectorSchema } from './connectorSchema.js';
import { pipelineSchema } from './pipelineSchema.js';
import { pipelineTestSchema } from './pipelineTestSchema.js';
import { renderDiagnosticsDoc, renderReferenceDoc } from './renderDocs.js';

/** The generated files, by path relative to the repository root, exactly as committed. */
export function renderSchemas(): Record<string, string> {
  return {
    'schemas/connector.v1.schema.json': JSON.stringify(connectorSchema(), null, 2) + '\n',
    'schemas/pipeline.v1.schema.json': JSON.stringify(pipelineSchema(), null, 2) + '\n',
    'schemas/pipeline-test.v1.schema.json': JSON.stringify(pipelineTestSchema(), null, 2) + '\n',
    'docs/reference.md': renderReferenceDoc(),
    'docs/diagnostics.md': renderDiagnosticsDoc(),
  };
}
