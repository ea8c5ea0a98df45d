/** A reader that stops early (`syncd … | head`) ends the output without an error or a stack trace. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

it('exits quietly when its output pipe is closed before it writes', async () => {
  const child = spawn(process.execPath, ['bin/syncd', 'validate', 'connectors/', 'pipelines/'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed at once: the command's first write meets a closed pipe.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
