/**
 * `syncd backfill`: a polling pipeline reads again from the beginning or from a date, a table
 * source keeps its cursor's shape, and a pipeline that reads events is told it has nothing to read
 * again instead of being promised a re-read. In process, on a SQLite store file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBackfill } from '../../src/cli/commands/operator.js';
import { UserError } from '../../src/cli/io.js';
import { commitCursor, getCursor, openStore } from '../../src/state/index.js';

describe('syncd backfill', () => {
  let dir: string;
  let store: string;
  const run = async (pipeline: string, from?: string) => {
    let out = '';
    const code = await runBackfill({ store, tenant: 'default', json: false, pipeline, ...(from !== undefined ? { from } : {}) }, { out: (t) => void (out += t), err: () => undefined });
    return { code, out };
  };
  const cursor = async (pipeline: string, source: string) => {
    const s = openStore({ url: store });
    try {
      return (await getCursor(s.forTenant('default'), { pipeline, source }))?.value;
    } finally {
      await s.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'syncd-backfill-'));
    store = path.join(dir, 'state.db');
    const s = openStore({ url: store });
    await s.migrate();
    const scope = s.forTenant('default');
    await commitCursor(scope, { pipeline: 'deals-in', source: 'poll:hubspot' }, '2026-03-01T00:00:00.000Z');
    await commitCursor(scope, { pipeline: 'quotes-out', source: 'table:quotey' }, { value: '2026-03-01T00:00:00.000Z', key: 'Q-9' });
    await commitCursor(scope, { pipeline: 'interest-in', source: 'webhook:hubspot' }, null);
    await s.close();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('re-reads a polling pipeline from a date, and a table source from that date with its key reset', async () => {
    expect(await run('deals-in', '2026-02-01')).toEqual({ code: 0, out: 'pipeline deals-in will re-read from 2026-02-01T00:00:00.000Z on its next poll; unchanged records are not written again\n' });
    expect(await cursor('deals-in', 'poll:hubspot')).toBe('2026-02-01T00:00:00.000Z');
    await run('quotes-out', '2026-02-01T12:00:00Z');
    expect(await cursor('quotes-out', 'table:quotey')).toEqual({ value: '2026-02-01T12:00:00.000Z', key: '' });
  });

  it('re-reads from the beginning without a date', async () => {
    expect((await run('quotes-out')).out).toContain('will re-read from the beginning on its next poll (1 cursor(s) reset)');
    expect(await cursor('quotes-out', 'table:quotey')).toBeUndefined();
  });

  it('tells a pipeline that reads events it has nothing to read again, and changes nothing', async () => {
    for (const from of [undefined, '2026-02-01']) {
      const err = await run('interest-in', from).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toBe('pipeline interest-in keeps no position to read from again: it reads webhooks or a change stream (backfill a pipeline that polls the same object instead), or it has found nothing yet and reads from its start anyway');
      expect((err as UserError).exitCode).toBe(1);
    }
    expect(await cursor('interest-in', 'webhook:hubspot')).toBeNull();
  });

  it('refuses a date it cannot read, and a pipeline that has not run', async () => {
    await expect(run('deals-in', 'last tuesday')).rejects.toThrow('--from takes an ISO date or date-time, not "last tuesday"');
    await expect(run('never-ran', '2026-02-01')).rejects.toThrow('pipeline never-ran has no cursor yet');
  });
});
