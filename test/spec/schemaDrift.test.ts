/**
 * schemas/*.json, the reference docs and the validators compiled from the schemas are generated
 * from the component registry; a change to one without the other fails here.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSchemas } from '../../src/spec/schema/render.js';
import { renderValidators, VALIDATORS_FILE } from '../../src/spec/schema/standalone.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCHEMAS = path.join(ROOT, 'schemas');
const HOW_TO_FIX = 'the committed file differs from the code that generates it: run `npm run schemas` and commit the result';

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const i = a.findIndex((line, k) => line !== b[k]);
  const at = i === -1 ? a.length : i;
  const show = (line: string | undefined): string => JSON.stringify(line === undefined ? '<end>' : line.length > 200 ? `${line.slice(0, 200)}…` : line);
  return ` (first difference at line ${at + 1}: committed ${show(a[at])}, generated ${show(b[at])})`;
}

describe('committed JSON Schemas and reference docs', () => {
  const rendered = renderSchemas();

  it.each(Object.keys(rendered))('%s equals the generated text byte for byte', async (name) => {
    const committed = await readFile(path.join(ROOT, name), 'utf8').catch(() => undefined);
    expect(committed, `${name} is missing: run \`npm run schemas\``).toBeDefined();
    expect(committed === rendered[name], `${name}: ${HOW_TO_FIX}${firstDifference(committed ?? '', rendered[name] ?? '')}`).toBe(true);
  });

  it('holds no schema the code no longer generates', async () => {
    const committed = (await readdir(SCHEMAS)).filter((f) => f.endsWith('.json')).map((f) => `schemas/${f}`).sort();
    const generated = Object.keys(rendered).filter((f) => f.startsWith('schemas/')).sort();
    expect(committed, `schemas/ holds files the generator does not write: ${HOW_TO_FIX}`).toEqual(generated);
  });

  it('have generated validators that match them', async () => {
    const committed = await readFile(path.join(ROOT, VALIDATORS_FILE), 'utf8');
    const generated = renderValidators();
    expect(committed === generated, `${VALIDATORS_FILE}: the compiled validators differ from the schemas: run \`npm run schemas\`${firstDifference(committed, generated)}`).toBe(true);
  });
});
