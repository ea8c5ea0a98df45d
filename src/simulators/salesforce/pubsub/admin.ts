/**
 * Change Data Capture controls for tests, as methods (`RunningSalesforceSimulator.pubSub`) and as
 * admin routes:
 * - `GET /__admin/pubsub`: topics, open streams, retained events (replay ids in base64)
 * - `POST /__admin/pubsub/drop-streams`: end every open Subscribe stream with UNAVAILABLE
 * - `POST /__admin/pubsub/purge` `{before}`: drop events committed before `before` (epoch ms or an
 *   ISO datetime, on the record clock), as retention would
 * - `POST /__admin/pubsub/fail-subscribes` `{count}`: the next `count` Subscribe calls fail UNAVAILABLE
 * Advancing the record clock (`POST /__admin/clock/advance`) past the retention also purges.
 */
import type { FastifyInstance } from 'fastify';
import type { SalesforceOrg } from '../org.js';

export interface RetainedChangeEvent {
  replayId: Buffer;
  eventId: string;
  schemaId: string;
  entityName: string;
  changeType: string;
  recordIds: string[];
  /** Epoch ms on the record clock. */
  commitTimestamp: number;
}

export interface SalesforcePubSubAdmin {
  /** Ends every open Subscribe stream with status UNAVAILABLE; returns how many were open. */
  dropStreams(): number;
  /** Drops retained events committed before `epochMs` (record clock, as commitTimestamp); returns how many. */
  purgeEventsBefore(epochMs: number): number;
  /** The next `count` Subscribe calls end with UNAVAILABLE before reading a request. */
  failNextSubscribes(count: number): void;
  /** Subscribe streams currently open. */
  openStreams(): number;
  /** The events a subscriber could still replay, oldest first. */
  retainedEvents(): RetainedChangeEvent[];
}

export function pubSubAdmin(org: SalesforceOrg): SalesforcePubSubAdmin {
  return {
    dropStreams: () => org.pubSubStreams.dropAll(),
    purgeEventsBefore: (epochMs) => org.changeEvents.purgeBefore(epochMs),
    failNextSubscribes: (count) => org.pubSubStreams.failNextSubscribes(count),
    openStreams: () => org.pubSubStreams.size,
    retainedEvents: () =>
      org.changeEvents.retained().map((e) => ({
        replayId: Buffer.from(e.replayIdBytes),
        eventId: e.eventId,
        schemaId: e.schemaId,
        entityName: e.entityName,
        changeType: e.changeType,
        recordIds: [...e.recordIds],
        commitTimestamp: e.committedAt,
      })),
  };
}

export function registerPubSubAdmin(app: FastifyInstance, org: SalesforceOrg): void {
  const admin = pubSubAdmin(org);

  app.get('/__admin/pubsub', async () => ({
    topics: org.changeEvents.topicNames(),
    openStreams: admin.openStreams(),
    failNextSubscribes: org.pubSubStreams.pendingFailures,
    latestReplayId: org.changeEvents.latestReplayIdBytes().toString('base64'),
    events: admin.retainedEvents().map((e) => ({ ...e, replayId: e.replayId.toString('base64') })),
  }));

  app.post('/__admin/pubsub/drop-streams', async () => ({ dropped: admin.dropStreams() }));

  app.post('/__admin/pubsub/purge', async (request, reply) => {
    const before = (request.body as { before?: unknown } | undefined)?.before;
    const ms = typeof before === 'number' ? before : typeof before === 'string' ? Date.parse(before) : NaN;
    if (!Number.isFinite(ms)) return reply.code(400).send({ error: 'before must be epoch milliseconds or an ISO datetime' });
    return { purged: admin.purgeEventsBefore(ms) };
  });

  app.post('/__admin/pubsub/fail-subscribes', async (request) => {
    const count = Number((request.body as { count?: unknown } | undefined)?.count ?? 1);
    admin.failNextSubscribes(count);
    return { failNextSubscribes: org.pubSubStreams.pendingFailures };
  });
}
