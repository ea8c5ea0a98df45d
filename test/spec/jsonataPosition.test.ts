/**
 * A JSONata syntax error is reported at the offending token in the file, whichever YAML scalar
 * style holds the expression: each broken expression is written in every style and the text at
 * the reported line and column must start with the token.
 */
import { parseSpecText } from '../../src/spec/yaml/parse.js';
import { Reporter, type LoadedFile } from '../../src/spec/validate/context.js';
import { runJsonataStage } from '../../src/spec/validate/jsonataStage.js';
import type { PipelineDocument } from '../../src/spec/types.js';

/** Broken expressions (each one line, no quotes of the kind the style needs escaped) and their culprit. */
const EXPRESSIONS: Array<{ expression: string; token: string }> = [
  { expression: 'stage in ["open" "won"]', token: '"won"' },
  { expression: 'name & & title', token: '& title' },
  { expression: '$merge([$, {"a": 1,}])', token: '}])' },
  { expression: 'amount * * 2', token: '2' },
  { expression: 'x = 2.50 3', token: '3' },
  { expression: 'a and and $exists(b)', token: '$exists' },
  { expression: '$uppercase(name', token: '' },
  { expression: 'stage = "open', token: '"open' },
  { expression: 'a & `b c` d', token: 'd' },
  { expression: 'x ~> /ab', token: '/ab' },
];

type Style = (expression: string) => string;

const STYLES: Record<string, Style> = {
  plain: (e) => `      expression: ${e}`,
  'single-quoted': (e) => `      expression: '${e.replace(/'/g, "''")}'`,
  'double-quoted': (e) => `      expression: "${e.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  'literal block, third line': (e) => `      expression: |\n        $count(x) > 0\n          and true\n        or ${e}`,
  'folded block, second line': (e) => `      expression: >-\n        true or\n        ${e}`,
  'double-quoted over two lines': (e) => `      expression: "true or\n        ${e.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
};

function pipeline(expressionLines: string): string {
  return [
    'apiVersion: syncd.dev/v1',
    'kind: Pipeline',
    'metadata:',
    '  name: positions',
    'spec:',
    '  transforms:',
    '    - type: filter',
    expressionLines,
    '  fields: {}',
    '',
  ].join('\n');
}

function textAt(source: string, line: number, col: number): string {
  const lines = source.split('\n');
  return [(lines[line - 1] ?? '').slice(col - 1), ...lines.slice(line)].join('\n');
}

const cases = Object.entries(STYLES).flatMap(([style, render]) =>
  EXPRESSIONS.filter(({ expression }) => !(style === 'plain' && /^[`"']|: |#/.test(expression))).map((c) => ({ style, render, ...c })),
);

describe('JSONata error positions', () => {
  it.each(cases)('$style: $expression', ({ style, render, expression, token }) => {
    const source = pipeline(render(expression));
    const parsed = parseSpecText('positions.yaml', source);
    if (!parsed.ok) throw new Error(`fixture is not valid YAML: ${JSON.stringify(parsed.diagnostics)}`);
    const doc = parsed.parsed.value as PipelineDocument;
    const file: LoadedFile = { parsed: parsed.parsed, kind: 'Pipeline', doc, schemaValid: true };
    const reporter = new Reporter();
    runJsonataStage(file, reporter);
    expect(reporter.diagnostics).toHaveLength(1);
    const d = reporter.diagnostics[0]!;
    expect(d.code).toBe('jsonata-syntax');
    const at = textAt(source, d.line, d.col);
    if (token === '') {
      // An error at the end of the expression points just past its last character.
      const before = source.split('\n')[d.line - 1]!.slice(0, d.col - 1);
      expect(before.endsWith('name')).toBe(true);
    } else {
      // Inside double quotes the token's own quotes are escaped; the position is the backslash's.
      const written = style.startsWith('double') ? token.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : token;
      expect(at.startsWith(written), `${JSON.stringify(at.slice(0, 20))} should start with ${JSON.stringify(written)}`).toBe(true);
    }
  });
});
