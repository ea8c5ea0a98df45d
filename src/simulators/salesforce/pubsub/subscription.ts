/**
 * One Subscribe stream. The first FetchRequest names the topic and where to start; every
 * FetchRequest adds to the number of events the client is ready for, and the server never sends
 * more than that. Position and credit live only as long as the stream: a client that reconnects
 * says where to resume with a replay id. New events are pushed as they are published; a stream
 * waiting with credit and nothing to send gets an empty keepalive FetchResponse carrying the latest
 * replay id.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { AUTH_METADATA, ERROR_CODES, MAX_NUM_REQUESTED, type ConsumerEvent, type FetchRequest, type FetchResponse } from '../../../vendors/salesforce/pubsub/protocol.js';
import type { SalesforceOrg } from '../org.js';
import { authFailure, metadataValue, statusError } from './auth.js';
import type { LoggedEvent, Topic } from './eventBus.js';
import type { OpenStream } from './streams.js';

function consumerEvent(e: LoggedEvent): ConsumerEvent {
  return { event: { id: e.eventId, schema_id: e.schemaId, payload: e.payload, headers: [] }, replay_id: e.replayIdBytes };
}

export class Subscription implements OpenStream {
  private topic: Topic | undefined;
  private cursor = 0n;
  private pending = 0;
  private token: string | undefined;
  private closed = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly call: grpc.ServerDuplexStream<FetchRequest, FetchResponse>,
    private readonly org: SalesforceOrg,
  ) {}

  private get bus() {
    return this.org.changeEvents;
  }

  start(): void {
    const streams = this.org.pubSubStreams;
    if (streams.takeFailure()) return this.fail(grpc.status.UNAVAILABLE, 'The service is temporarily unavailable. Try again later.');
    this.token = metadataValue(this.call.metadata, AUTH_METADATA.accessToken);
    const denied = authFailure(this.org, this.call.metadata, this.token);
    if (denied) return this.fail(grpc.status.UNAUTHENTICATED, denied, ERROR_CODES.authFailure);
    streams.add(this);
    this.call.on('data', (req: FetchRequest) => {
      try {
        this.onFetch(req);
      } catch (err) {
        this.fail(grpc.status.INTERNAL, (err as Error).message);
      }
    });
    this.call.on('end', () => this.finish());
    this.call.on('cancelled', () => this.cleanup());
  }

  private onFetch(req: FetchRequest): void {
    if (this.closed) return;
    // Salesforce ends an open stream once its session has expired, at the next fetch; a fetch may
    // carry a fresh token to keep the stream going.
    if (req.auth_refresh) this.token = req.auth_refresh;
    const denied = authFailure(this.org, this.call.metadata, this.token);
    if (denied) return this.fail(grpc.status.UNAUTHENTICATED, denied, ERROR_CODES.authFailure);
    const n = req.num_requested ?? 0;
    if (!Number.isInteger(n) || n < 1 || n > MAX_NUM_REQUESTED) {
      // UNCONFIRMED: the wording, and that no error-code trailer comes with it.
      return this.fail(grpc.status.INVALID_ARGUMENT, `num_requested must be between 1 and ${MAX_NUM_REQUESTED}, got ${n}`);
    }
    if (!this.topic && !this.open(req)) return;
    this.pending += n;
    if (!this.deliver()) this.armKeepAlive(false);
  }

  /** Handles the first FetchRequest: topic and starting point. */
  private open(req: FetchRequest): boolean {
    const name = req.topic_name ?? '';
    const topic = this.bus.topic(name);
    if (!topic) {
      this.fail(grpc.status.NOT_FOUND, `Topic ${name} not found or not accessible`, ERROR_CODES.topicNotFound);
      return false;
    }
    switch (req.replay_preset ?? 'LATEST') {
      case 'EARLIEST':
        this.cursor = this.bus.earliestCursor();
        break;
      case 'CUSTOM': {
        const check = this.bus.resolveReplayId(req.replay_id ?? Buffer.alloc(0));
        if (!check.ok) {
          this.fail(grpc.status.INVALID_ARGUMENT, check.message, check.reason === 'corrupted' ? ERROR_CODES.replayIdCorrupted : ERROR_CODES.replayIdInvalid);
          return false;
        }
        this.cursor = check.cursor;
        break;
      }
      default:
        this.cursor = this.bus.latestCursor();
    }
    this.topic = topic;
    this.unlisten = this.bus.onAppend(() => {
      // A broken stream must not fail the REST write that published the event.
      try {
        this.deliver();
      } catch (err) {
        this.fail(grpc.status.INTERNAL, (err as Error).message);
      }
    });
    // Response headers go out now, so the client knows the subscription is accepted before any
    // event exists.
    this.call.sendMetadata(new grpc.Metadata());
    return true;
  }

  /** Sends what the client has room for; true when anything went out. */
  private deliver(): boolean {
    if (this.closed || !this.topic) return false;
    let sent = false;
    while (this.pending > 0) {
      const batch = this.bus.eventsAfter(this.cursor, this.topic, Math.min(this.pending, MAX_NUM_REQUESTED));
      const last = batch[batch.length - 1];
      if (!last) break;
      this.pending -= batch.length;
      this.cursor = last.replayId;
      this.send(batch.map(consumerEvent), last.replayIdBytes);
      sent = true;
    }
    if (sent) this.armKeepAlive(true);
    return sent;
  }

  private send(events: ConsumerEvent[], latest: Buffer): void {
    this.call.write({ events, latest_replay_id: latest, rpc_id: randomUUID(), pending_num_requested: this.pending });
  }

  /** Keeps a timer running while the client waits with credit; `restart` counts from now. */
  private armKeepAlive(restart: boolean): void {
    if (this.closed || this.pending <= 0) {
      clearTimeout(this.keepAlive);
      this.keepAlive = undefined;
      return;
    }
    if (this.keepAlive && !restart) return;
    clearTimeout(this.keepAlive);
    this.keepAlive = setTimeout(() => {
      this.keepAlive = undefined;
      if (this.closed || this.deliver()) return;
      // Having found nothing with credit left, the stream has seen every event of its topic up to
      // the newest id, so that id is a safe place to resume from.
      this.send([], this.bus.latestReplayIdBytes());
      this.armKeepAlive(true);
    }, this.org.config.pubSubKeepAliveMs);
    this.keepAlive.unref();
  }

  drop(): void {
    this.fail(grpc.status.UNAVAILABLE, 'The stream was closed by the server. Resubscribe to continue.');
  }

  abandon(): void {
    this.cleanup();
  }

  private fail(code: grpc.status, details: string, errorCode?: string): void {
    if (this.closed) return;
    this.cleanup();
    if (this.call.cancelled) return;
    // grpc-js turns an 'error' on a server stream into the call's final status and trailers.
    this.call.emit('error', statusError(code, details, errorCode));
  }

  /** The client half-closed: nothing more will be asked for, so the call ends. */
  private finish(): void {
    if (this.closed) return;
    this.cleanup();
    if (!this.call.cancelled) this.call.end();
  }

  private cleanup(): void {
    this.closed = true;
    clearTimeout(this.keepAlive);
    this.keepAlive = undefined;
    this.unlisten?.();
    this.unlisten = undefined;
    this.org.pubSubStreams.delete(this);
  }
}
