/**
 * The `webhook` source, which also reads change events: events waiting in the store's inbox for
 * one connection. Events only carry ids (HubSpot, change events) or a vendor-shaped snapshot
 * (Pipedrive), so each record is read through the connector, which normalises it: a page's
 * records in a few `batchRead` calls where the object has one and that costs no more than a `get`
 * each (`readByIds`). Records that cannot be read any more are named as `gone`. The events are
 * marked done in the same transaction that queues their writes, so a crash in between processes
 * them again and the outbox dedupes. Only the pipeline's own event types are claimed: another
 * pipeline may read the connection's others.
 */
import type { ConnectorClient } from '../../connectors/client.js';
import type { ObjectSpec } from '../../spec/types.js';
import type { Scope } from '../../state/scope.js';
import { claimEvents, completeEvents } from '../../state/webhookInbox.js';
import type { SourcePage, SourcePort, SourceRecord } from '../ports.js';
import { readByIds, type ReadOperations } from './recordReads.js';

export interface WebhookSourceOptions {
  scope: Scope;
  client: ConnectorClient;
  /** Connector name, as the inbox's connection. */
  connection: string;
  object: string;
  spec: ObjectSpec;
  /** How the records the events name are read. */
  reads: ReadOperations;
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
        // Several events about one record in a page need one read; the records keep the events' order.
        const ids = [...new Set(events.map((e) => (e.payload as { objectId?: string | null }).objectId).filter((id): id is string => !!id))];
        const read = await readByIds(opts.client, opts.object, opts.spec, opts.reads, ids, { signal });
        const records: SourceRecord[] = [];
        const gone: string[] = [];
        for (const id of ids) {
          // A record deleted since its event (or by it) cannot be read: the page says so.
          const r = read.get(id);
          if (r) records.push({ key: r.id, remoteId: r.id, fields: { ...r.fields, id: r.id }, ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}) });
          else gone.push(id);
        }
        const done = events.map((e) => e.id);
        yield { records, cursor: null, commit: async (tx) => void (await completeEvents(tx, done)), ...(gone.length ? { gone } : {}) };
      }
    },
  };
}
