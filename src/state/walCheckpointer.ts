/**
 * Checkpoints of an SQLite store, run off the event loop.
 *
 * In WAL mode SQLite copies the log back into the database file at checkpoints, and by default
 * the connection that commits runs one inside its COMMIT (fsync included) every 1,000 pages of
 * log (16 MB at the store's 16 KiB pages), about 35 ms each. On a busy sync that is a stall of
 * the event loop every few thousand records, which took most of the commit time. A second connection on a worker thread runs
 * them instead, in PASSIVE mode: it copies what it can without waiting for, or blocking, the
 * writer, and the writer starts the log over once everything in it has been copied.
 *
 * The thread starts only once a store's log first outgrows `startAtBytes`, so short-lived
 * stores (a CLI command, a test) never pay for it. The main connection keeps a high automatic
 * checkpoint threshold as a backstop: if the thread fails, the log still stays bounded.
 */
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointer {
  /** Stops the thread (closing its connection) and the size watch. */
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** Start the thread when the log file is this large. @defaultValue 4 MiB */
  startAtBytes?: number;
  /** How often the log size is checked before the thread runs. @defaultValue 250 ms */
  watchMs?: number;
  /** How often the thread checkpoints. @defaultValue 100 ms */
  everyMs?: number;
}

/**
 * Frames the main connection lets the log grow to before checkpointing itself (the backstop):
 * 64 MiB of log at the store's 16 KiB pages.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 4096;

// A string, not a module file: the thread must start the same way from compiled code and from
// sources run by the test runner. It needs only the driver, whose resolved path it is given.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or locked: the next tick retries */ }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

const driverPath = (): string => createRequire(import.meta.url).resolve('better-sqlite3');

export function startWalCheckpointer(filename: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const startAt = options.startAtBytes ?? 4 * 1024 * 1024;
  let worker: Worker | undefined;
  let closed = false;
  let checking = false;
  const watch = setInterval(() => {
    if (checking || worker) return;
    checking = true;
    stat(`${filename}-wal`)
      .then((s) => {
        if (!closed && !worker && s.size >= startAt) start();
      })
      // No log file yet (nothing written): keep watching.
      .catch(() => undefined)
      .finally(() => {
        checking = false;
      });
  }, options.watchMs ?? 250);
  watch.unref();

  const start = () => {
    clearInterval(watch);
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { filename, driver: driverPath(), everyMs: options.everyMs ?? 100 },
      // A connection and a timer: a small heap is plenty, and keeps the daemon's footprint flat.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    w.unref();
    // The backstop keeps the log bounded without the thread; nothing is lost if it dies.
    w.on('error', () => undefined);
    worker = w;
  };

  return {
    async close() {
      closed = true;
      clearInterval(watch);
      const w = worker;
      if (!w) return;
      worker = undefined;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('close');
      const deadline = setTimeout(() => void w.terminate(), 5_000);
      await exited;
      clearTimeout(deadline);
    },
  };
}
