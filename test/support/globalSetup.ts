/**
 * Starts one real PostgreSQL server for the whole test run, unless SYNCD_TEST_PG_URL already
 * points at one. Tests reach it with `inject('pgUrl')` and create their own database in it, so
 * they never share state. The server runs in a child process (see postgresServer.ts for why).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.SYNCD_TEST_PG_URL;
  if (external) {
    project.provide('pgUrl', external);
    return async () => {};
  }
  const child = spawn(process.execPath, [path.join(here, 'postgresServer.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the test PostgreSQL server exited with code ${code} before starting`)));
  });
  project.provide('pgUrl', url);
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin?.end();
    await exited;
  };
}
