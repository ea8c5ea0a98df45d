/** Loads and validates the spec files a daemon or a command runs; refuses to run invalid ones. */
import { validatePaths, type ValidationResult } from '../spec/validate/index.js';
import type { ConnectorDocument, PipelineDocument } from '../spec/types.js';

export interface Project {
  connectors: Map<string, ConnectorDocument>;
  pipelines: PipelineDocument[];
}

export class ProjectInvalidError extends Error {
  constructor(readonly result: ValidationResult) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    super(
      `the spec files have ${errors.length} error(s); run \`syncd validate\` for details:\n` +
        errors
          .slice(0, 10)
          .map((d) => `  ${d.file}:${d.line}:${d.col}  ${d.message}  [${d.code}]`)
          .join('\n'),
    );
    this.name = 'ProjectInvalidError';
  }
}

export async function loadProject(paths: string[]): Promise<Project> {
  const result = await validatePaths(paths);
  if (!result.ok) throw new ProjectInvalidError(result);
  return {
    connectors: new Map([...result.catalog.connectors].map(([name, f]) => [name, f.doc])),
    pipelines: [...result.catalog.pipelines.values()].map((f) => f.doc),
  };
}
