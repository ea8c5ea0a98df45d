/**
 * A Change Data Capture subscription over Salesforce's Pub/Sub API: one topic, read from a
 * replay id, decoded from Avro into change headers, with flow control and reconnection.
 *
 * The subscription never decides what an event means: it hands each batch to `onBatch` and asks
 * for more only after that resolves, so a slow store slows the stream instead of buffering it.
 * A batch handed over is as far as the caller may store the replay id.
 */
import * as grpc from '@grpc/grpc-js';
import avro from 'avsc';
import { backoffDelay, type BackoffPolicy } from '../../../engine/backoff.js';
import { AUTH_METADATA, ERROR_CODES, MAX_NUM_REQUESTED, pubSubService, type ConsumerEvent, type FetchRequest, type FetchResponse, type PubSubClient } from './protocol.js';
import { sleep } from '../../../connectors/http/sleep.js';

export interface ChangeEvent {
  /** The event's UUID (`ProducerEvent.id`). */
  eventId: string;
  replayId: Buffer;
  entityName: string;
  /** CREATE, UPDATE, DELETE, UNDELETE, or a GAP_ type (the change happened; its values are not in the event). */
  changeType: string;
  /** Ids of the records changed; a wildcard such as `006*` when they cannot be listed (GAP_OVERFLOW). */
  recordIds: string[];
  changeOrigin: string;
  commitTimestamp: number;
}

/** Where a stream starts: after a replay id, at events published from now on, or at the earliest retained. */
export type StartPoint = 'replay-id' | 'latest' | 'earliest';

export interface PubSubSession {
  accessToken: string;
  instanceUrl: string;
  /** Passed back to `unauthorized`, so one refresh serves concurrent callers. */
  version: number;
}

/** Why the subscription had to start from another point than the one asked for. */
export interface ReplayGap {
  reason: 'replay-id-invalid' | 'replay-id-corrupted';
  message: string;
}

export interface SubscriptionOptions {
  /** `https://api.pubsub.salesforce.com:7443`; `http://` means no TLS (a local simulator). */
  endpoint: string;
  /** The org id (`tenantid` metadata). */
  tenantId: string;
  topic: string;
  /** Resume after this replay id; none: only events published from now on. */
  replayId?: Buffer;
  /** Events per FetchRequest, 1–100. */
  batchSize?: number;
  session(signal: AbortSignal): Promise<PubSubSession>;
  /** The session of `version` was refused; resolves true when a fresh one is available. */
  unauthorized(version: number, signal: AbortSignal): Promise<boolean>;
  /** Decoded events, in order, and the replay id to resume after (also sent with no events, as a keepalive). */
  onBatch(events: ChangeEvent[], latestReplayId: Buffer): Promise<void>;
  /** The stored replay id was refused; the subscription goes on from the earliest retained event. */
  onGap(gap: ReplayGap): void;
  /** A stream ended with an error and will be opened again after a backoff. */
  onDisconnect(err: PubSubError, retryInMs: number): void;
  /** The stream is open (after a connect or a reconnect), reading from where `from` says. */
  onConnected?(from: StartPoint): void;
  backoff?: BackoffPolicy;
  random?: () => number;
}

/** A failed Pub/Sub call: the gRPC status and Salesforce's `error-code` trailer. */
export class PubSubError extends Error {
  constructor(
    message: string,
    readonly status: grpc.status,
    readonly errorCode: string | undefined,
  ) {
    super(message);
    this.name = 'PubSubError';
  }
}

const DEFAULT_BACKOFF: BackoffPolicy = { attempts: Infinity, initialDelayMs: 1_000, maxDelayMs: 60_000 };

function toPubSubError(err: unknown): PubSubError {
  if (err instanceof PubSubError) return err;
  const e = err as Partial<grpc.ServiceError>;
  const code = e.metadata?.get('error-code')[0];
  return new PubSubError(`Pub/Sub ${grpc.status[e.code ?? grpc.status.UNKNOWN] ?? 'error'}: ${e.details ?? e.message ?? String(err)}`, e.code ?? grpc.status.UNKNOWN, typeof code === 'string' ? code : undefined);
}

function clientFor(endpoint: string): PubSubClient {
  const url = new URL(endpoint);
  const secure = url.protocol !== 'http:';
  const address = `${url.hostname}:${url.port || (secure ? '443' : '80')}`;
  const { Client } = pubSubService();
  return new Client(address, secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(), {
    // Salesforce closes idle streams after a while; keepalives notice a dead connection sooner.
    'grpc.keepalive_time_ms': 60_000,
  });
}

function metadataOf(session: PubSubSession, tenantId: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set(AUTH_METADATA.accessToken, session.accessToken);
  md.set(AUTH_METADATA.instanceUrl, session.instanceUrl);
  md.set(AUTH_METADATA.tenantId, tenantId);
  return md;
}

interface AvroType {
  fromBuffer(buffer: Buffer): unknown;
}

/** Decodes events, fetching each schema once (a topic's schema changes when fields are added). */
class Decoder {
  private readonly types = new Map<string, Promise<AvroType>>();
  constructor(
    private readonly client: PubSubClient,
    private readonly md: () => grpc.Metadata,
  ) {}

  private type(schemaId: string): Promise<AvroType> {
    let t = this.types.get(schemaId);
    if (!t) {
      t = new Promise<AvroType>((resolve, reject) => {
        this.client.GetSchema({ schema_id: schemaId }, this.md(), (err, info) => {
          if (err || !info) return reject(toPubSubError(err));
          try {
            resolve(avro.Type.forSchema(JSON.parse(info.schema_json) as avro.Schema, { wrapUnions: false }) as AvroType);
          } catch (e) {
            reject(new PubSubError(`schema ${schemaId} is not a valid Avro schema: ${(e as Error).message}`, grpc.status.INTERNAL, undefined));
          }
        });
      });
      t.catch(() => this.types.delete(schemaId));
      this.types.set(schemaId, t);
    }
    return t;
  }

  async decode(e: ConsumerEvent): Promise<ChangeEvent> {
    const type = await this.type(e.event.schema_id);
    const body = type.fromBuffer(e.event.payload) as { ChangeEventHeader?: Record<string, unknown> };
    const h = body.ChangeEventHeader ?? {};
    return {
      eventId: e.event.id,
      replayId: e.replay_id,
      entityName: String(h.entityName ?? ''),
      changeType: String(h.changeType ?? ''),
      recordIds: Array.isArray(h.recordIds) ? h.recordIds.map(String) : [],
      changeOrigin: typeof h.changeOrigin === 'string' ? h.changeOrigin : '',
      commitTimestamp: Number(h.commitTimestamp ?? 0),
    };
  }
}

/**
 * Runs the subscription until `signal` aborts. Errors other than a refused replay id or an
 * expired session are retried with backoff, resuming after the last batch handed over.
 */
export async function runSubscription(opts: SubscriptionOptions, signal: AbortSignal): Promise<void> {
  const client = clientFor(opts.endpoint);
  const batchSize = Math.min(MAX_NUM_REQUESTED, Math.max(1, opts.batchSize ?? MAX_NUM_REQUESTED));
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  let replayId = opts.replayId;
  let failures = 0;
  // Set when the stored replay id was refused: read everything still retained instead of LATEST.
  let earliest = false;
  // A refused session is refreshed once and retried at once; refused again before any batch, it
  // is a lasting refusal (a wrong org id, a revoked user) and waits its backoff like any failure.
  let refreshedSinceProgress = false;
  try {
    while (!signal.aborted) {
      let session: PubSubSession;
      try {
        session = await opts.session(signal);
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        const wait = backoffDelay(backoff, failures, opts.random);
        opts.onDisconnect(new PubSubError(`cannot get a session: ${(err as Error).message}`, grpc.status.UNAUTHENTICATED, undefined), wait);
        await sleep(wait, signal).catch(() => undefined);
        continue;
      }
      const accepted = (): void => {
        failures = 0;
        refreshedSinceProgress = false;
      };
      const outcome = await stream(client, opts, session, replayId, batchSize, signal, accepted, (id) => {
        replayId = id;
        accepted();
      });
      if (outcome === 'aborted') return;
      const err = outcome;
      if (err.status === grpc.status.UNAUTHENTICATED && !refreshedSinceProgress) {
        refreshedSinceProgress = true;
        if (await opts.unauthorized(session.version, signal).catch(() => false)) continue;
      }
      if (err.errorCode === ERROR_CODES.replayIdInvalid || err.errorCode === ERROR_CODES.replayIdCorrupted) {
        if (replayId !== undefined) {
          opts.onGap({ reason: err.errorCode === ERROR_CODES.replayIdInvalid ? 'replay-id-invalid' : 'replay-id-corrupted', message: err.message });
          replayId = undefined;
          earliest = true;
          continue;
        }
      }
      failures++;
      const wait = backoffDelay(backoff, failures, opts.random);
      opts.onDisconnect(err, wait);
      await sleep(wait, signal).catch(() => undefined);
    }
  } finally {
    client.close();
  }

  function stream(
    c: PubSubClient,
    o: SubscriptionOptions,
    session: PubSubSession,
    from: Buffer | undefined,
    n: number,
    sig: AbortSignal,
    accepted: () => void,
    advanced: (id: Buffer) => void,
  ): Promise<PubSubError | 'aborted'> {
    return new Promise((resolve) => {
      const md = metadataOf(session, o.tenantId);
      const call = c.Subscribe(md);
      const decoder = new Decoder(c, () => md);
      let settled = false;
      let chain = Promise.resolve();
      const finish = (r: PubSubError | 'aborted'): void => {
        if (settled) return;
        settled = true;
        sig.removeEventListener('abort', onAbort);
        call.cancel();
        resolve(r);
      };
      const onAbort = (): void => finish('aborted');
      sig.addEventListener('abort', onAbort, { once: true });
      // Handled in order; the next request is sent only when the previous batch is stored.
      call.on('data', (res: FetchResponse) => {
        chain = chain.then(async () => {
          if (settled) return;
          try {
            const events = await Promise.all(res.events.map((e) => decoder.decode(e)));
            // The response's latest id covers every event it carries; the last event's id is as good.
            const resumeAt = res.latest_replay_id.length > 0 ? res.latest_replay_id : events.at(-1)?.replayId;
            if (resumeAt) {
              await o.onBatch(events, resumeAt);
              advanced(resumeAt);
            }
            earliest = false;
            if (res.events.length > 0 && res.pending_num_requested === 0 && !settled) call.write({ num_requested: n });
          } catch (err) {
            finish(toPubSubError(err));
          }
        });
      });
      call.on('error', (err: unknown) => {
        const e = toPubSubError(err);
        // A cancel of our own reports CANCELLED; anything else is the server's.
        void chain.then(() => finish(sig.aborted ? 'aborted' : e));
      });
      call.on('end', () => void chain.then(() => finish(sig.aborted ? 'aborted' : new PubSubError('Pub/Sub stream ended by the server', grpc.status.UNAVAILABLE, undefined))));
      // Headers come once the server has accepted the session and the first request.
      call.on('metadata', () => {
        accepted();
        o.onConnected?.(from ? 'replay-id' : earliest ? 'earliest' : 'latest');
      });
      const first: FetchRequest = from
        ? { topic_name: o.topic, replay_preset: 'CUSTOM', replay_id: from, num_requested: n }
        : { topic_name: o.topic, replay_preset: earliest ? 'EARLIEST' : 'LATEST', num_requested: n };
      call.write(first);
    });
  }
}
