/** `syncd migrate`: brings the state store's schema to the latest version. */
import { openStore } from '../../state/store.js';
import type { CommandIO } from '../io.js';
import { UserError } from '../io.js';

export async function runMigrate(args: { store?: string }, io: CommandIO): Promise<number> {
  const store = openStore(args.store ? { url: args.store } : {});
  try {
    const applied = await store.migrate();
    io.out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'the store is up to date\n');
    return 0;
  } catch (err) {
    throw new UserError(`cannot migrate the store: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await store.close();
  }
}
