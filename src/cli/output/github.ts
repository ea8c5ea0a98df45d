/** GitHub Actions workflow commands, so diagnostics show inline on pull requests. */
import type { Diagnostic } from '../../spec/diagnostics.js';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(list: Diagnostic[]): string {
  return list
    .map((d) => {
      const cmd = d.severity === 'error' ? 'error' : 'warning';
      const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.col}`, ...(d.endCol ? [`endColumn=${d.endCol}`] : []), `title=${escapeProperty(`syncd ${d.code}`)}`];
      const msg = d.path ? `${d.message} (at ${d.path})` : d.message;
      return `::${cmd} ${props.join(',')}::${escapeData(d.hint ? `${msg}\n${d.hint}` : msg)}`;
    })
    .join('\n');
}
