/** What the validation stages share: the parsed files and a way to report at a YAML path. */
import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics.js';
import { formatPath } from '../diagnostics.js';
import type { ParsedFile } from '../yaml/parse.js';
import { locate } from '../yaml/locate.js';
import type { ConnectorDocument, PipelineDocument } from '../types.js';

export interface LoadedFile<T = ConnectorDocument | PipelineDocument> {
  parsed: ParsedFile;
  kind: 'Connector' | 'Pipeline';
  /** The document after apiVersion migration. */
  doc: T;
  /** False once any error was reported for the file: later stages skip what they cannot trust. */
  schemaValid: boolean;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  at(
    parsed: ParsedFile,
    path: ReadonlyArray<string | number>,
    code: DiagnosticCode,
    message: string,
    opts: { severity?: Severity; hint?: string; key?: boolean } = {},
  ): void {
    const loc = locate(parsed, path, { key: opts.key ?? false });
    this.diagnostics.push({
      file: parsed.file,
      line: loc.line,
      col: loc.col,
      ...(loc.endCol !== undefined ? { endCol: loc.endCol } : {}),
      severity: opts.severity ?? 'error',
      code,
      message,
      path: formatPath(path),
      ...(opts.hint ? { hint: opts.hint } : {}),
    });
  }

  raw(d: Diagnostic): void {
    this.diagnostics.push(d);
  }
}
