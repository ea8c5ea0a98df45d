/**
 * Reference docs generated from the same registry as the JSON Schemas: one section per component
 * kind, every field with its description, and a YAML example.
 */
import { stringify } from 'yaml';
import '../components/index.js';
import { componentsOf, type ComponentKind, type JsonSchema } from '../components/registry.js';
import { DIAGNOSTIC_CODES } from '../diagnostics.js';

const KINDS: Array<[ComponentKind, string, string]> = [
  ['source', 'Sources', '`spec.source` of a pipeline'],
  ['transform', 'Transforms', 'items of `spec.transforms` of a pipeline'],
  ['matcher', 'Identity matchers', 'items of `spec.match.rules` of a pipeline, tried in order'],
  ['auth', 'Auth methods', '`spec.auth` of a connector'],
  ['pagination', 'Pagination styles', '`pagination` of a list or search operation'],
  ['webhookVerifier', 'Webhook verifiers', '`spec.webhooks.verify` of a connector'],
];

function typeOf(s: JsonSchema): string {
  if (s.enum) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.type) return String(s.type);
  if (s.oneOf) return 'see description';
  return 'object';
}

function cell(text: unknown): string {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderReferenceDoc(): string {
  const out: string[] = [
    '# Component reference',
    '',
    'Generated from `src/spec/components/` by `npm run schemas`; do not edit by hand.',
    'Each component is selected by its `type:` tag.',
    '',
  ];
  for (const [kind, title, where] of KINDS) {
    out.push(`## ${title}`, '', `Used as ${where}.`, '');
    for (const c of componentsOf(kind)) {
      out.push(`### \`${c.type}\``, '', c.summary, '');
      const props = Object.entries(c.properties);
      if (props.length) {
        out.push('| field | type | required | description |', '|---|---|---|---|');
        for (const [name, s] of props) out.push(`| \`${name}\` | ${cell(typeOf(s))} | ${c.required?.includes(name) ? 'yes' : ''} | ${cell(s.description)} |`);
        out.push('');
      }
      out.push('```yaml', stringify(c.example).trimEnd(), '```', '');
    }
  }
  return out.join('\n');
}

export function renderDiagnosticsDoc(): string {
  const out = ['# Diagnostic codes', '', 'Generated from `src/spec/diagnostics.ts` by `npm run schemas`. Codes are stable: scripts may depend on them.', '', '| code | meaning |', '|---|---|'];
  for (const [code, meaning] of Object.entries(DIAGNOSTIC_CODES)) out.push(`| \`${code}\` | ${meaning} |`);
  return out.join('\n') + '\n';
}
