/**
 * `syncd validate` as a library: files in, diagnostics out, offline. The stages run in order —
 * YAML syntax, header and apiVersion, schema, references between files, JSONata, semantics —
 * and a stage skips what an earlier one already found broken, so one mistake gives one error.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { migrateToCurrent, supportedApiVersions } from '../migrations/index.js';
import { readSpecFile, type ParsedFile } from '../yaml/parse.js';
import { didYouMean } from '../suggest.js';
import type { ConnectorDocument, PipelineDocument } from '../types.js';
import { Reporter, type LoadedFile } from './context.js';
import { runSchemaStage } from './schemaStage.js';
import { buildCatalog, checkConnector, checkPipeline, checkSharedStreams, type Catalog } from './references.js';
import { runJsonataStage } from './jsonataStage.js';
import { checkConnectorSemantics, checkPipelineSemantics } from './semantic.js';

export interface ValidationResult {
  diagnostics: Diagnostic[];
  files: LoadedFile[];
  catalog: Catalog;
  /** True when no error (and, with `strict`, no warning) was found. */
  ok: boolean;
}

export interface ValidateOptions {
  /** Warnings count as errors. Default: false. */
  strict?: boolean;
}

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Expands folders into the spec files below them (pipeline test files are not specs). */
export async function expandPaths(inputs: string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const entries = await readdir(p, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) await walk(full);
      } else if (SPEC_EXTENSIONS.has(path.extname(e.name)) && !/\.test\.ya?ml$/.test(e.name)) files.push(full);
    }
  };
  for (const input of inputs) {
    try {
      const st = await stat(input);
      if (st.isDirectory()) await walk(input);
      else files.push(input);
    } catch {
      missing.push(input);
    }
  }
  return { files: [...new Set(files)], missing };
}

function loadHeader(parsed: ParsedFile, reporter: Reporter): LoadedFile | undefined {
  const v = parsed.value;
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    reporter.at(parsed, [], 'yaml-not-mapping', `the document is ${Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'a plain string' : 'not a mapping'}; a spec file is a mapping that starts with \`apiVersion\` and \`kind\``);
    return undefined;
  }
  const doc = v as Record<string, unknown>;
  if (doc.apiVersion === undefined) {
    reporter.at(parsed, [], 'api-version-missing', 'the file has no `apiVersion`', { hint: `add \`apiVersion: ${supportedApiVersions().at(-1)}\` as the first line` });
    return undefined;
  }
  const migrated = migrateToCurrent(doc);
  if (!migrated.ok) {
    reporter.at(parsed, ['apiVersion'], 'api-version-unknown', `apiVersion \`${String(doc.apiVersion)}\` is not supported; supported: ${migrated.supported.join(', ')}`);
    return undefined;
  }
  for (const m of migrated.applied) {
    reporter.at(parsed, ['apiVersion'], 'api-version-deprecated', `apiVersion \`${m.from}\` is deprecated: ${m.summary}`, { severity: 'warning', hint: `change it to \`${m.to}\`` });
  }
  const kind = doc.kind;
  if (kind !== 'Connector' && kind !== 'Pipeline') {
    reporter.at(parsed, kind === undefined ? [] : ['kind'], 'kind-unknown', kind === undefined ? 'the file has no `kind`' : `kind \`${String(kind)}\` is not supported; use \`Connector\` or \`Pipeline\`${didYouMean(String(kind), ['Connector', 'Pipeline'])}`, kind === undefined ? { hint: 'add `kind: Connector` or `kind: Pipeline` after `apiVersion`' } : {});
    return undefined;
  }
  return { parsed, kind, doc: migrated.doc as unknown as ConnectorDocument | PipelineDocument, schemaValid: true };
}

export async function validatePaths(inputs: string[], opts: ValidateOptions = {}): Promise<ValidationResult> {
  const reporter = new Reporter();
  const { files: paths, missing } = await expandPaths(inputs);
  for (const m of missing) reporter.raw({ file: m, line: 1, col: 1, severity: 'error', code: 'file-unreadable', message: 'no such file or folder', path: '' });

  const parsedFiles = await Promise.all(paths.map((p) => readSpecFile(p)));
  const loaded: LoadedFile[] = [];
  for (const r of parsedFiles) {
    if (!r.ok) {
      r.diagnostics.forEach((d) => reporter.raw(d));
      continue;
    }
    const f = loadHeader(r.parsed, reporter);
    if (f) loaded.push(f);
  }
  for (const f of loaded) runSchemaStage(f, reporter);

  const valid = loaded.filter((f) => f.schemaValid);
  const catalog = buildCatalog(valid, reporter);
  const connectors = valid.filter((f): f is LoadedFile<ConnectorDocument> => f.kind === 'Connector');
  const pipelines = valid.filter((f): f is LoadedFile<PipelineDocument> => f.kind === 'Pipeline');
  for (const c of connectors) checkConnector(c, reporter);
  for (const p of pipelines) checkPipeline(p, catalog, reporter);
  checkSharedStreams(pipelines, reporter);
  for (const f of valid) runJsonataStage(f, reporter);

  const withErrors = new Set(reporter.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  for (const c of connectors) if (!withErrors.has(c.parsed.file)) checkConnectorSemantics(c, reporter);
  for (const p of pipelines) if (!withErrors.has(p.parsed.file)) checkPipelineSemantics(p, catalog, reporter);

  const diagnostics = sortDiagnostics(reporter.diagnostics);
  const failing = diagnostics.filter((d) => d.severity === 'error' || opts.strict);
  return { diagnostics, files: loaded, catalog, ok: failing.length === 0 };
}
