/** Writes the generated JSON Schemas and reference docs (`npm run schemas`). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSchemas } from './render.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
for (const [file, text] of Object.entries(renderSchemas())) {
  await writeFile(path.join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
