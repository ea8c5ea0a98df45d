/** Writes the generated JSON Schemas, reference docs and compiled validators (`npm run schemas`). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSchemas } from './render.js';
import { renderValidators, VALIDATORS_FILE } from './standalone.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
for (const [file, text] of Object.entries(renderSchemas())) {
  await writeFile(path.join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
await writeFile(path.join(root, VALIDATORS_FILE), renderValidators());
process.stdout.write(`wrote ${VALIDATORS_FILE}\n`);
