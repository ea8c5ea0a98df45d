/** `syncd validate [paths…]`: offline checks for CI. Exit 0 clean, 1 invalid, 2 usage error. */
import { readFile } from 'node:fs/promises';
import { validatePaths } from '../../spec/validate/index.js';
import { MAX_SPEC_FILE_BYTES } from '../../spec/yaml/parse.js';
import { formatHuman, summary } from '../output/human.js';
import { formatGithub } from '../output/github.js';
import type { CommandIO } from '../io.js';

export interface ValidateArgs {
  paths: string[];
  format: 'human' | 'json' | 'github';
  strict: boolean;
  color: boolean;
}

export async function runValidate(args: ValidateArgs, io: CommandIO): Promise<number> {
  const result = await validatePaths(args.paths, { strict: args.strict });
  if (result.files.length === 0 && result.diagnostics.length === 0) {
    io.err(`syncd validate: no .yaml files found in ${args.paths.join(', ')}\n`);
    return 2;
  }
  const fileCount = new Set([...result.files.map((f) => f.parsed.file), ...result.diagnostics.map((d) => d.file)]).size;
  if (args.format === 'json') {
    io.out(JSON.stringify({ ok: result.ok, files: fileCount, diagnostics: result.diagnostics }, null, 2) + '\n');
  } else if (args.format === 'github') {
    const text = formatGithub(result.diagnostics);
    if (text) io.out(text + '\n');
    io.out(summary(result.diagnostics, fileCount) + '\n');
  } else {
    const sources = new Map(result.files.map((f) => [f.parsed.file, f.parsed.text]));
    // Files that stopped before loading (a header or YAML error) are read again for the excerpt.
    const unread = new Set(result.diagnostics.filter((d) => !sources.has(d.file) && !d.code.startsWith('file-')).map((d) => d.file));
    await Promise.all(
      [...unread].map(async (file) => {
        try {
          const buf = await readFile(file);
          if (buf.length <= MAX_SPEC_FILE_BYTES) sources.set(file, buf.toString('utf8'));
        } catch {
          /* unreadable files have their own diagnostic */
        }
      }),
    );
    if (result.diagnostics.length) io.out(formatHuman(result.diagnostics, { color: args.color, sources }));
    io.out(summary(result.diagnostics, fileCount) + (args.strict && !result.ok && result.diagnostics.every((d) => d.severity === 'warning') ? ' (--strict: warnings fail)' : '') + '\n');
  }
  return result.ok ? 0 : 1;
}
