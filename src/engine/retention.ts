/**
 * Retention of delivered writes. A write's outbox row stays once it is done: it is the write's
 * intent on the audit trail. Left alone, the outbox grows with every record ever synced, and every
 * claim and index with it. Every `everyMs`, one worker per tenant (the `retention` lease) turns the
 * done rows older than `keepMs` into audit rows of their own (`purgeDone`) and deletes them and
 * their attempts, a bounded batch per transaction, so the trail stays whole and no transaction
 * holds the store for long. The same pass deletes the inbox events processed before the retention,
 * and those no pipeline claimed in that time (event types nothing reads), never sooner than
 * `INBOX_MIN_KEEP_MS`, which outlasts vendors' redeliveries and Salesforce's 72-hour replay, so
 * that the inbox still recognises a repeated event.
 */
import { acquireLease, releaseLease } from '../state/leases.js';
import { purgeDone } from '../state/outbox/queries.js';
import { purgeInbox } from '../state/webhookInbox.js';
import type { Store } from '../state/store.js';

export interface RetentionOptions {
  /** How long a done write stays in the outbox. */
  keepMs: number;
  /** Time between passes. Default: 10 minutes (the first pass runs a minute after start). */
  everyMs?: number;
  /** Rows per transaction. Default: 2,000. */
  batch?: number;
  onPurged?: (tenant: string, rows: number) => void;
  /** Inbox events deleted in a pass, when any were. */
  onInboxPurged?: (tenant: string, events: number) => void;
  onError?: (tenant: string, err: unknown) => void;
}

export interface RetentionHandle {
  /** Stops after the batch in progress; resolves once nothing runs. */
  stop(): Promise<void>;
}

const LEASE = 'retention';
/** Four days: longer than Salesforce keeps change events (72 hours) and than vendors retry webhooks. */
export const INBOX_MIN_KEEP_MS = 4 * 86_400_000;

export function startRetention(store: Store, tenants: readonly string[], worker: string, opts: RetentionOptions): RetentionHandle {
  const everyMs = opts.everyMs ?? 600_000;
  const batch = opts.batch ?? 2_000;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const pass = async (): Promise<void> => {
    for (const tenant of tenants) {
      if (stopped) return;
      const scope = store.forTenant(tenant);
      try {
        // Another worker purging this tenant is enough; the lease outlasts a slow pass.
        if (!(await acquireLease(scope, LEASE, worker, Math.max(everyMs, 60_000))).acquired) continue;
        try {
          let purged = 0;
          for (;;) {
            const n = await purgeDone(scope, scope.now() - opts.keepMs, batch);
            purged += n;
            if (n < batch || stopped) break;
          }
          if (purged > 0) opts.onPurged?.(tenant, purged);
          const inboxBefore = scope.now() - Math.max(opts.keepMs, INBOX_MIN_KEEP_MS);
          let events = 0;
          for (;;) {
            const n = await purgeInbox(scope, inboxBefore, batch);
            events += n;
            if (n < batch || stopped) break;
          }
          if (events > 0) opts.onInboxPurged?.(tenant, events);
        } finally {
          await releaseLease(scope, LEASE, worker);
        }
      } catch (err) {
        opts.onError?.(tenant, err);
      }
    }
  };
  const schedule = (delayMs: number): void => {
    timer = setTimeout(() => {
      running = pass().finally(() => {
        if (!stopped) schedule(everyMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(Math.min(everyMs, 60_000));
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
