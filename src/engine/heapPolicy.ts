/**
 * How far V8 lets the heap grow past what is live before it collects again.
 *
 * A running sync keeps little alive (about 25 MB: compiled pipelines, pages in flight, the
 * hand-off) but allocates fast, and records that wait on a commit or a call survive long enough
 * to be promoted to the old generation, where they die. By default V8 lets the old generation
 * grow to several times its live size before a full collection, so a backfill's resident memory
 * settles around 250 MB of mostly garbage. Letting it grow by half instead keeps the peak near
 * 200 MB: a full collection of a small live set takes a few milliseconds. SQLite syncs ran as
 * fast; PostgreSQL syncs spent about 15 % more CPU on it (V8 marks on a helper thread, which
 * there competes with the server for a core), a price paid for the bounded footprint.
 * docs/runtime.md ("Memory") has the figures.
 *
 * A process started with its own heap sizing keeps it: `node --heap-growing-percent=N` (Node
 * accepts that one on the command line only), or `--max-old-space-size` there or in NODE_OPTIONS.
 */
import v8 from 'node:v8';

/** Growth after each full collection, as a percentage of the live heap. */
export const HEAP_GROWING_PERCENT = 50;

const OPERATOR_FLAGS = /--(heap-growing-percent|max-old-space-size|max_old_space_size|heap_growing_percent)\b/;

/** The V8 flag the daemon sets, or undefined when the operator sized the heap themselves. */
export function heapFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  if (execArgv.some((a) => OPERATOR_FLAGS.test(a)) || OPERATOR_FLAGS.test(nodeOptions ?? '')) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Applies the policy to this process (setting the flag again is harmless). */
export function keepHeapNearLiveSize(): void {
  const flag = heapFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}
