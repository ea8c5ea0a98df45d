/** schemas/*.json are generated from the component registry; a change to one without the other fails here. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSchemas } from '../../src/spec/schema/render.js';

const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');
const HOW_TO_FIX = 'the committed schema differs from the code that generates it: run `npm run schemas` and commit schemas/';

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const i = a.findIndex((line, k) => line !== b[k]);
  const at = i === -1 ? a.length : i;
  return ` (first difference at line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, generated ${JSON.stringify(b[at] ?? '<end>')})`;
}

describe('committed JSON Schemas', () => {
  const rendered = renderSchemas();

  it.each(Object.keys(rendered))('%s equals the generated text byte for byte', async (name) => {
    const committed = await readFile(path.join(SCHEMAS, name), 'utf8').catch(() => undefined);
    expect(committed, `schemas/${name} is missing: run \`npm run schemas\``).toBeDefined();
    expect(committed === rendered[name], `schemas/${name}: ${HOW_TO_FIX}${firstDifference(committed ?? '', rendered[name] ?? '')}`).toBe(true);
  });

  it('holds no schema the code no longer generates', async () => {
    const committed = (await readdir(SCHEMAS)).filter((f) => f.endsWith('.json')).sort();
    expect(committed, `schemas/ holds files the generator does not write: ${HOW_TO_FIX}`).toEqual(Object.keys(rendered).sort());
  });
});
