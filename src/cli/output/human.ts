/** Human-readable diagnostics: `file:line:col  severity  message  [code]` with a caret excerpt. */
import type { Diagnostic } from '../../spec/diagnostics.js';

export interface HumanOptions {
  color: boolean;
  /** File contents by path, for excerpts. */
  sources: Map<string, string>;
}

const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function formatHuman(list: Diagnostic[], opts: HumanOptions): string {
  const out: string[] = [];
  const lines = new Map<string, string[]>();
  for (const d of list) {
    const sev = d.severity === 'error' ? paint(opts.color, '31;1', 'error') : paint(opts.color, '33;1', 'warning');
    out.push(`${paint(opts.color, '1', `${d.file}:${d.line}:${d.col}`)}  ${sev}  ${d.message}  ${paint(opts.color, '2', `[${d.code}]`)}`);
    if (d.path) out.push(`  ${paint(opts.color, '2', `at ${d.path}`)}`);
    const src = opts.sources.get(d.file);
    if (src !== undefined) {
      let fileLines = lines.get(d.file);
      if (!fileLines) lines.set(d.file, (fileLines = src.split(/\r?\n/)));
      const text = fileLines[d.line - 1];
      if (text !== undefined && text.length <= 300) {
        const gutter = String(d.line).padStart(4);
        out.push(`${paint(opts.color, '2', `${gutter} | `)}${text}`);
        const width = Math.max(1, (d.endCol ?? d.col + 1) - d.col);
        out.push(`${' '.repeat(gutter.length)}${paint(opts.color, '2', ' | ')}${' '.repeat(Math.max(0, d.col - 1))}${paint(opts.color, d.severity === 'error' ? '31' : '33', '^'.repeat(Math.min(width, 120)))}`);
      }
    }
    if (d.hint) out.push(`  ${paint(opts.color, '36', 'hint:')} ${d.hint}`);
    out.push('');
  }
  return out.join('\n');
}

export function summary(list: Diagnostic[], fileCount: number): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  if (list.length === 0) return `✓ ${files} valid`;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files}`;
}
