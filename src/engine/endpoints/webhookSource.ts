/**
 * The `webhook` source: events waiting in the store's inbox for one connection. Events only carry
 * ids (HubSpot) or a vendor-shaped snapshot (Pipedrive), so each record is read through the
 * connector's `get`, which normalises it; the events are marked done in the same transaction that
 * queues their writes, so a crash in between processes them again and the outbox dedupes. Only
 * the pipeline's own event types are claimed: another pipeline may read the connection's others.
 */
import type { ConnectorClient } from '../../connectors/client.js';
import type { Scope } from '../../state/scope.js';
import { claimEvents, completeEvents } from '../../state/webhookInbox.js';
import type { SourcePage, SourcePort, SourceRecord } from '../ports.js';

export interface WebhookSourceOptions {
  scope: Scope;
  client: ConnectorClient;
  /** Connector name, as the inbox's connection. */
  connection: string;
  object: string;
  getOperation: string;
  events: string[];
  worker: string;
  /** Events per page. Default: 100. */
  pageSize?: number;
}

export function webhookSource(opts: WebhookSourceOptions): SourcePort {
  return {
    async *pages(_cursor: unknown, signal: AbortSignal): AsyncIterable<SourcePage> {
      while (!signal.aborted) {
        const events = await claimEvents(opts.scope, { connection: opts.connection, eventTypes: opts.events, limit: opts.pageSize ?? 100, worker: opts.worker, leaseMs: 60_000 });
        if (events.length === 0) return;
        const records: SourceRecord[] = [];
        const seen = new Set<string>();
        for (const e of events) {
          const p = e.payload as { objectId?: string | null };
          // Several events about one record in a page need one read.
          if (!p.objectId || seen.has(p.objectId)) continue;
          seen.add(p.objectId);
          const r = await opts.client.get(opts.object, p.objectId, { operation: opts.getOperation, signal });
          if (r) records.push({ key: r.id, remoteId: r.id, fields: { ...r.fields, id: r.id }, ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}) });
        }
        const ids = events.map((e) => e.id);
        yield { records, cursor: null, commit: async (tx) => void (await completeEvents(tx, ids)) };
      }
    },
  };
}
