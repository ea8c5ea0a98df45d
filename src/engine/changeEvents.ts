/**
 * Change streams for `changeEvents` sources: one subscription per (tenant, connector, object),
 * held by one worker under a lease. Each batch of events becomes inbox rows (one per record id),
 * committed in one transaction with the replay id to resume after, so a crash neither loses an
 * event nor stores one twice (the inbox dedupes by event id). The pipeline then reads the inbox
 * like a webhook source, reading the records a page of events names (`endpoints/recordReads.ts`).
 */
import type { ConnectorClient } from '../connectors/client.js';
import type { ChangeEventsSpec } from '../spec/types.js';
import { commitCursor, getCursor, type Cursor } from '../state/cursors.js';
import { acquireLease, releaseLease, renewLease } from '../state/leases.js';
import type { Scope } from '../state/scope.js';
import { acceptEvents, type InboundEvent } from '../state/webhookInbox.js';
import type { ChangeEvent, PubSubError, ReplayGap, StartPoint } from '../vendors/salesforce/pubsub/subscriber.js';
import { sleep } from '../connectors/http/sleep.js';

export interface ChangeStreamTarget {
  tenant: string;
  connector: string;
  object: string;
  topic: string;
  spec: ChangeEventsSpec;
  client: ConnectorClient;
  /** Change types some pipeline processes; others are not stored. */
  changes: readonly string[];
}

/** Which stream a notice is about (plain data: safe to log whole). */
export type StreamName = Pick<ChangeStreamTarget, 'tenant' | 'connector' | 'object' | 'topic'>;

const nameOf = (t: ChangeStreamTarget): StreamName => ({ tenant: t.tenant, connector: t.connector, object: t.object, topic: t.topic });

export type ChangeStreamNotice =
  | { kind: 'connected'; target: StreamName; from: StartPoint }
  | { kind: 'gap'; target: StreamName; reason: string; since: number | null; message: string }
  | { kind: 'disconnected'; target: StreamName; error: string; retryInMs: number }
  | { kind: 'unlisted'; target: StreamName; changeType: string; recordIds: string[]; at: number }
  | { kind: 'received'; target: StreamName; stored: number; skipped: number; unlisted: number };

export interface ChangeStreamOptions {
  targets: readonly ChangeStreamTarget[];
  scopeFor: (tenant: string) => Scope;
  worker: string;
  onNotice: (n: ChangeStreamNotice) => void;
  /** Lease lifetime; renewed at a third of it. Default: 60 s. */
  leaseMs?: number;
  /** How often a worker without the lease tries to take it. Default: 15 s. */
  standbyMs?: number;
}

interface StoredPosition {
  /** Base64 replay id. */
  replayId: string;
  /** Commit time of the last event stored, for the gap report. */
  at: number | null;
}

/** The inbox connection a (connector, object) stream is stored under. */
export function changeInbox(connector: string, object: string): string {
  return `${connector}:${object}`;
}

/** The inbox event types of an object's change types, GAP_ twins included. */
export function changeEventTypes(object: string, changes: readonly string[]): string[] {
  return changes.flatMap((c) => [`${object}.${c}`, `${object}.GAP_${c}`]);
}

/** Change streams keep their position among the cursors, under a name no pipeline can have. */
const CURSOR_PREFIX = 'changes:';
const cursorKey = (t: ChangeStreamTarget) => ({ pipeline: `${CURSOR_PREFIX}${t.connector}`, source: t.object });

/** The change stream a stored cursor belongs to, or undefined for a pipeline's cursor. */
export function changeStreamOfCursor(c: Cursor): { connector: string; object: string; lastChangeAt: number | null } | undefined {
  if (!c.pipeline.startsWith(CURSOR_PREFIX)) return undefined;
  const at = (c.value as Partial<StoredPosition> | null)?.at;
  return { connector: c.pipeline.slice(CURSOR_PREFIX.length), object: c.source, lastChangeAt: typeof at === 'number' ? at : null };
}

/** Inbox rows of one batch: one per record id, so each record is read once per change. */
export function inboxEvents(t: ChangeStreamTarget, events: readonly ChangeEvent[], onUnlisted: (e: ChangeEvent) => void): InboundEvent[] {
  const wanted = new Set(changeEventTypes(t.object, t.changes));
  const out: InboundEvent[] = [];
  for (const e of events) {
    if (t.spec.ignoreOrigin && e.changeOrigin.includes(t.spec.ignoreOrigin)) continue;
    const eventType = `${t.object}.${e.changeType}`;
    if (e.changeType === 'GAP_OVERFLOW' || e.recordIds.some((id) => id.includes('*'))) {
      onUnlisted(e);
      continue;
    }
    if (!wanted.has(eventType)) continue;
    for (const id of e.recordIds) {
      out.push({
        connection: changeInbox(t.connector, t.object),
        eventId: `${e.eventId}:${id}`,
        eventType,
        receivedAt: e.commitTimestamp || undefined,
        payload: { objectId: id, event: { changeType: e.changeType, commitTimestamp: e.commitTimestamp } },
      });
    }
  }
  return out;
}

/** Bearer token and instance URL from the connector's authenticator. */
async function session(client: ConnectorClient, signal: AbortSignal): Promise<{ accessToken: string; instanceUrl: string; version: number }> {
  const creds = await client.authenticator.credentials(signal);
  const header = creds.headers.authorization ?? creds.headers.Authorization ?? '';
  const accessToken = header.replace(/^Bearer\s+/i, '');
  if (!accessToken || accessToken === header) throw new Error(`connector ${client.name}: change events need a bearer token (OAuth 2)`);
  const base = creds.baseUrl ?? client.baseUrl;
  return { accessToken, instanceUrl: new URL(base).origin, version: creds.version };
}

async function follow(t: ChangeStreamTarget, opts: ChangeStreamOptions, signal: AbortSignal): Promise<void> {
  const scope = opts.scopeFor(t.tenant);
  const name = nameOf(t);
  const stored = await getCursor<StoredPosition>(scope, cursorKey(t));
  let lastAt = stored?.value.at ?? null;
  // gRPC and Avro load only in a daemon that follows a stream.
  const { runSubscription } = await import('../vendors/salesforce/pubsub/subscriber.js');
  await runSubscription(
    {
      endpoint: t.spec.endpoint,
      tenantId: t.spec.tenantId,
      topic: t.topic,
      ...(stored ? { replayId: Buffer.from(stored.value.replayId, 'base64') } : {}),
      ...(t.spec.batchSize ? { batchSize: t.spec.batchSize } : {}),
      session: (s) => session(t.client, s),
      unauthorized: (version, s) => t.client.authenticator.unauthorized(version, s),
      onBatch: async (events, latest) => {
        let unlisted = 0;
        const rows = inboxEvents(t, events, (e) => {
          unlisted++;
          opts.onNotice({ kind: 'unlisted', target: name, changeType: e.changeType, recordIds: e.recordIds, at: e.commitTimestamp });
        });
        const at = events.reduce<number | null>((m, e) => (e.commitTimestamp ? Math.max(m ?? 0, e.commitTimestamp) : m), lastAt);
        await scope.transaction(async (tx) => {
          if (rows.length) await acceptEvents(tx, rows);
          await commitCursor(tx, cursorKey(t), { replayId: latest.toString('base64'), at } satisfies StoredPosition);
        });
        lastAt = at;
        if (events.length) {
          const stored = new Set(rows.map((r) => r.eventId.slice(0, r.eventId.lastIndexOf(':')))).size;
          opts.onNotice({ kind: 'received', target: name, stored, skipped: events.length - stored - unlisted, unlisted });
        }
      },
      onGap: (gap: ReplayGap) => opts.onNotice({ kind: 'gap', target: name, reason: gap.reason, since: lastAt, message: gap.message }),
      onDisconnect: (err: PubSubError, retryInMs) => opts.onNotice({ kind: 'disconnected', target: name, error: err.message, retryInMs }),
      onConnected: (from) => opts.onNotice({ kind: 'connected', target: name, from }),
    },
    signal,
  );
}

/**
 * Follows every target until `stop()`. A worker that does not hold a target's lease stands by
 * and takes over when the holder stops renewing it; a lost lease ends that worker's stream.
 */
export function followChangeStreams(opts: ChangeStreamOptions): { stop(): Promise<void> } {
  const abort = new AbortController();
  const leaseMs = opts.leaseMs ?? 60_000;
  const standbyMs = opts.standbyMs ?? 15_000;

  const hold = async (t: ChangeStreamTarget): Promise<void> => {
    const scope = opts.scopeFor(t.tenant);
    const lease = `changes:${t.connector}:${t.object}`;
    while (!abort.signal.aborted) {
      const held = await acquireLease(scope, lease, opts.worker, leaseMs).catch(() => undefined);
      if (!held?.acquired) {
        await sleep(standbyMs, abort.signal).catch(() => undefined);
        continue;
      }
      const inner = new AbortController();
      const stopInner = (): void => inner.abort();
      abort.signal.addEventListener('abort', stopInner, { once: true });
      const renew = setInterval(() => {
        renewLease(scope, lease, opts.worker, leaseMs)
          .then((l) => (l ? undefined : inner.abort()))
          .catch(() => undefined);
      }, Math.max(1, Math.floor(leaseMs / 3)));
      try {
        await follow(t, opts, inner.signal);
      } catch (err) {
        if (!abort.signal.aborted) opts.onNotice({ kind: 'disconnected', target: nameOf(t), error: (err as Error).message, retryInMs: standbyMs });
        await sleep(standbyMs, abort.signal).catch(() => undefined);
      } finally {
        clearInterval(renew);
        abort.signal.removeEventListener('abort', stopInner);
        if (abort.signal.aborted) await releaseLease(scope, lease, opts.worker).catch(() => undefined);
      }
    }
  };
  const running = opts.targets.map((t) => hold(t));
  return {
    async stop() {
      abort.abort();
      await Promise.all(running);
    },
  };
}
