/**
 * A bare Pub/Sub API client for asserting the simulator's gRPC behaviour: a real @grpc/grpc-js
 * client built from the shared proto, a Subscribe stream that queues responses and its final
 * status, and an Avro decoder that fetches schemas by id as a subscriber would.
 */
import * as grpc from '@grpc/grpc-js';
import avro from 'avsc';
import {
  AUTH_METADATA,
  pubSubService,
  type ConsumerEvent,
  type FetchRequest,
  type FetchResponse,
  type PubSubClient,
  type SchemaInfo,
  type TopicInfo,
} from '../../../src/vendors/salesforce/pubsub/protocol.js';
import type { RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import type { ChangeEventHeader } from '../../../src/simulators/salesforce/pubsub/avroSchema.js';

export function pubSubClient(sim: RunningSalesforceSimulator): PubSubClient {
  const { Client } = pubSubService();
  return new Client(new URL(sim.pubSubUrl).host, grpc.credentials.createInsecure());
}

type AuthKey = 'accesstoken' | 'tenantid' | 'instanceurl';

/** Valid metadata for `sim`; an override of `undefined` leaves that key out. */
export function authMetadata(sim: RunningSalesforceSimulator, overrides: Partial<Record<AuthKey, string | undefined>> = {}): grpc.Metadata {
  const values: Record<AuthKey, string | undefined> = {
    accesstoken: sim.issueAccessToken(),
    tenantid: sim.config.orgId,
    instanceurl: sim.url,
    ...overrides,
  };
  const md = new grpc.Metadata();
  for (const key of [AUTH_METADATA.accessToken, AUTH_METADATA.tenantId, AUTH_METADATA.instanceUrl] as const) {
    const v = values[key];
    if (v !== undefined) md.set(key, v);
  }
  return md;
}

export function errorCode(err: grpc.ServiceError | undefined): string | undefined {
  const v = err?.metadata?.get('error-code')[0];
  return v === undefined ? undefined : String(v);
}

export function getTopic(client: PubSubClient, md: grpc.Metadata, topicName: string): Promise<TopicInfo> {
  return new Promise((resolve, reject) => client.GetTopic({ topic_name: topicName }, md, (err, info) => (err ? reject(err) : resolve(info as TopicInfo))));
}

export function getSchema(client: PubSubClient, md: grpc.Metadata, schemaId: string): Promise<SchemaInfo> {
  return new Promise((resolve, reject) => client.GetSchema({ schema_id: schemaId }, md, (err, info) => (err ? reject(err) : resolve(info as SchemaInfo))));
}

/** Rejection of `p` as a ServiceError (fails the test when `p` resolves). */
export async function rejection(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

export class SubscribeStream {
  private readonly call: grpc.ClientDuplexStream<FetchRequest, FetchResponse>;
  private readonly queue: FetchResponse[] = [];
  private waiter: (() => void) | undefined;
  /** Every response received so far, in order. */
  readonly received: FetchResponse[] = [];
  /** Resolves when the server accepted the subscription (response headers arrived). */
  readonly accepted: Promise<void>;
  /** The stream's final error, or undefined when it ended with OK. */
  readonly ended: Promise<grpc.ServiceError | undefined>;

  constructor(client: PubSubClient, md: grpc.Metadata) {
    this.call = client.Subscribe(md);
    this.accepted = new Promise((resolve) => this.call.once('metadata', () => resolve()));
    this.ended = new Promise((resolve) => {
      this.call.on('error', (err: grpc.ServiceError) => resolve(err));
      this.call.on('status', (s: grpc.StatusObject) => {
        if (s.code === grpc.status.OK) resolve(undefined);
      });
    });
    this.call.on('data', (res: FetchResponse) => {
      this.received.push(res);
      this.queue.push(res);
      this.waiter?.();
    });
  }

  fetch(req: FetchRequest): this {
    this.call.write(req);
    return this;
  }

  /** The next response, or a failure after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<FetchResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no FetchResponse within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift() as FetchResponse;
  }

  /** Reads responses until `count` events have arrived (keepalives are skipped). */
  async events(count: number, timeoutMs = 3000): Promise<ConsumerEvent[]> {
    const out: ConsumerEvent[] = [];
    while (out.length < count) out.push(...(await this.next(timeoutMs)).events);
    return out;
  }

  /** True when nothing arrives for `ms`. */
  async quietFor(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.queue.length === 0;
  }

  /** The final status: the error, or undefined for OK; fails when the stream is still open after `timeoutMs`. */
  closed(timeoutMs = 3000): Promise<grpc.ServiceError | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`stream still open after ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.ended, timeout]).finally(() => clearTimeout(timer));
  }

  cancel(): void {
    this.call.cancel();
  }
}

export function subscribe(client: PubSubClient, md: grpc.Metadata, first: FetchRequest): SubscribeStream {
  return new SubscribeStream(client, md).fetch(first);
}

export interface DecodedEvent {
  schemaName: string;
  fieldNames: string[];
  /** As the simulator encodes it, with the change type read as a plain string. */
  header: Omit<ChangeEventHeader, 'changeType'> & { changeType: string };
  body: Record<string, unknown>;
}

/** Decodes payloads with the schema each event names, fetched once per schema id. */
export class EventDecoder {
  private readonly types = new Map<string, { type: avro.Type; name: string; fieldNames: string[] }>();
  constructor(
    private readonly client: PubSubClient,
    private readonly md: grpc.Metadata,
  ) {}

  async decode(e: ConsumerEvent): Promise<DecodedEvent> {
    let t = this.types.get(e.event.schema_id);
    if (!t) {
      const info = await getSchema(this.client, this.md, e.event.schema_id);
      const schema = JSON.parse(info.schema_json) as { name: string; fields: Array<{ name: string }> };
      t = { type: avro.Type.forSchema(schema as avro.Schema), name: schema.name, fieldNames: schema.fields.map((f) => f.name) };
      this.types.set(e.event.schema_id, t);
    }
    const { ChangeEventHeader, ...body } = t.type.fromBuffer(e.event.payload) as { ChangeEventHeader: DecodedEvent['header'] } & Record<string, unknown>;
    return { schemaName: t.name, fieldNames: t.fieldNames, header: { ...ChangeEventHeader }, body };
  }
}

/**
 * Field names named by a Pub/Sub bitmap, decoded as Salesforce's sample clients do: the hex digits
 * as bits, reversed, so that bit i is field i of the schema.
 */
export function bitmapFieldNames(fieldNames: string[], bitmaps: string[]): string[] {
  const out: string[] = [];
  for (const bitmap of bitmaps) {
    if (!bitmap.startsWith('0x')) continue;
    const bits = [...bitmap.slice(2)].map((d) => parseInt(d, 16).toString(2).padStart(4, '0')).join('');
    [...bits].reverse().forEach((b, i) => {
      if (b === '1') out.push(fieldNames[i] as string);
    });
  }
  return out;
}
