import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from '../../src/state/walCheckpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL database whose writer never checkpoints, holding `rows` rows of 1 KB in its log. */
function unCheckpointed(rows: number): { file: string; db: Database.Database } {
  const dir = mkdtempSync(path.join(tmpdir(), 'syncd-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'state.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (id integer primary key, body text)');
  const insert = db.prepare('insert into t (body) values (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(1000));
  })();
  return { file, db };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('WAL checkpoints on a thread of their own', () => {
  it('copies the log into the database file once the log outgrows the threshold', async () => {
    const { file, db } = unCheckpointed(2000);
    // Everything written so far is only in the log.
    expect(statSync(file).size).toBeLessThan(100_000);
    const checkpointer = startWalCheckpointer(file, { startAtBytes: 1_000_000, watchMs: 10, everyMs: 10 });
    expect(await until(() => statSync(file).size > 1_500_000, 10_000)).toBe(true);
    // The writer goes on while the thread runs, and what it wrote is all there.
    db.prepare('insert into t (body) values (?)').run('after');
    await checkpointer.close();
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2001 });
    db.close();
  });

  it('leaves a small log alone: no thread starts, and close returns at once', async () => {
    const { file, db } = unCheckpointed(10);
    const before = statSync(file).size;
    const checkpointer = startWalCheckpointer(file, { startAtBytes: 10_000_000, watchMs: 10, everyMs: 10 });
    await new Promise((r) => setTimeout(r, 200));
    expect(statSync(file).size).toBe(before);
    await checkpointer.close();
    db.close();
  });
});
