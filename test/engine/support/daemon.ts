/** `node bin/syncd run` as a child process on the records-target fixtures, for tests of the real daemon. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { BackendUrls } from './backends.js';

export const DAEMON_FIXTURES = ['test/fixtures/target/connector.yaml', 'test/fixtures/target/local.yaml', 'test/fixtures/target/items-to-target.yaml'];

export interface Daemon {
  child: ChildProcess;
  stderr(): string;
  /** The JSON log lines so far. */
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the daemon with the given spec files (default: the records target fixtures), on `port`
 * or a free one (`--port 0`); `listeningUrl` reads which port from its banner.
 */
export function startDaemon(urls: BackendUrls, env: NodeJS.ProcessEnv, extra: string[] = [], specs: readonly string[] = DAEMON_FIXTURES, port = 0): Daemon {
  const child = spawn(process.execPath, ['bin/syncd', 'run', ...specs, '--store', urls.store, '--port', String(port), ...extra], {
    env: { PATH: process.env.PATH, ...env, SYNCD_SECRET_KEY: urls.secretKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, stdout: () => out, exited };
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, daemon?: Daemon): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${daemon ? `; daemon said:\n${daemon.stderr()}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The daemon's HTTP base URL, from the line it prints once it listens. */
export async function listeningUrl(daemon: Daemon, timeoutMs = 20_000): Promise<string> {
  const pattern = /on (http:\/\/[^\s;]+);/;
  await waitFor('the daemon to listen', () => pattern.test(daemon.stderr()), timeoutMs, daemon);
  return (pattern.exec(daemon.stderr()) as RegExpExecArray)[1] as string;
}

