/**
 * Salesforce's Pub/Sub API (package `eventbus.v1`), as published in `pubsub_api.proto` by
 * forcedotcom/pub-sub-api. The IDL lives here as text so that the build needs no copy step; the
 * connector's subscriber and the simulator load the same definition.
 *
 * Only the messages the subscriber and the simulator use are declared (Subscribe, GetTopic,
 * GetSchema); Publish, PublishStream and ManagedSubscribe are left out. Field numbers follow the
 * published file.
 *
 * Authentication is gRPC metadata on every call: `accesstoken` (an OAuth access token),
 * `instanceurl` (the org's My Domain URL) and `tenantid` (the 18-character org id).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const IDL = `
syntax = "proto3";
package eventbus.v1;

message TopicInfo {
  string topic_name = 1;
  string tenant_guid = 2;
  bool can_publish = 3;
  bool can_subscribe = 4;
  string schema_id = 5;
  string rpc_id = 6;
}

message TopicRequest {
  string topic_name = 1;
}

message EventHeader {
  string key = 1;
  bytes value = 2;
}

message ProducerEvent {
  string id = 1;
  string schema_id = 2;
  bytes payload = 3;
  repeated EventHeader headers = 4;
}

message ConsumerEvent {
  ProducerEvent event = 1;
  bytes replay_id = 2;
}

message SchemaRequest {
  string schema_id = 1;
}

message SchemaInfo {
  string schema_json = 1;
  string schema_id = 2;
  string rpc_id = 3;
}

enum ReplayPreset {
  LATEST = 0;
  EARLIEST = 1;
  CUSTOM = 2;
}

message FetchRequest {
  string topic_name = 1;
  ReplayPreset replay_preset = 2;
  bytes replay_id = 3;
  int32 num_requested = 4;
  string auth_refresh = 5;
}

message FetchResponse {
  repeated ConsumerEvent events = 1;
  bytes latest_replay_id = 2;
  string rpc_id = 3;
  int32 pending_num_requested = 4;
}

service PubSub {
  rpc Subscribe (stream FetchRequest) returns (stream FetchResponse);
  rpc GetSchema (SchemaRequest) returns (SchemaInfo);
  rpc GetTopic (TopicRequest) returns (TopicInfo);
}
`;

export type ReplayPreset = 'LATEST' | 'EARLIEST' | 'CUSTOM';

export interface FetchRequest {
  topic_name?: string;
  replay_preset?: ReplayPreset;
  replay_id?: Buffer;
  num_requested?: number;
  auth_refresh?: string;
}

export interface ProducerEvent {
  id: string;
  schema_id: string;
  payload: Buffer;
  headers: Array<{ key: string; value: Buffer }>;
}

export interface ConsumerEvent {
  event: ProducerEvent;
  replay_id: Buffer;
}

export interface FetchResponse {
  events: ConsumerEvent[];
  latest_replay_id: Buffer;
  rpc_id: string;
  pending_num_requested: number;
}

export interface TopicInfo {
  topic_name: string;
  tenant_guid: string;
  can_publish: boolean;
  can_subscribe: boolean;
  schema_id: string;
  rpc_id: string;
}

export interface SchemaInfo {
  schema_json: string;
  schema_id: string;
  rpc_id: string;
}

/** Metadata keys Salesforce reads on every call. */
export const AUTH_METADATA = { accessToken: 'accesstoken', instanceUrl: 'instanceurl', tenantId: 'tenantid' } as const;

/**
 * The error code Salesforce sends in the `error-code` trailer of a failed call.
 * UNCONFIRMED: the exact strings; these are the ones forcedotcom/pub-sub-api's examples handle.
 */
export const ERROR_CODES = {
  /** The access token is missing, invalid or expired (status UNAUTHENTICATED). */
  authFailure: 'sfdc.platform.eventbus.grpc.service.auth.error',
  /** The replay id is malformed or belongs to another topic (status INVALID_ARGUMENT). */
  replayIdCorrupted: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
  /** The replay id is well formed but no longer retained, or not yet issued (status INVALID_ARGUMENT). */
  replayIdInvalid: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.invalid',
  /** The topic does not exist or the user may not subscribe to it (status NOT_FOUND / PERMISSION_DENIED). */
  topicNotFound: 'sfdc.platform.eventbus.grpc.fetch.topic.not.found',
} as const;

/** Salesforce caps one FetchRequest at 100 events. */
export const MAX_NUM_REQUESTED = 100;

export interface PubSubClient extends grpc.Client {
  Subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<FetchRequest, FetchResponse>;
  GetSchema(request: { schema_id: string }, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, value?: SchemaInfo) => void): grpc.ClientUnaryCall;
  GetTopic(request: { topic_name: string }, metadata: grpc.Metadata, callback: (err: grpc.ServiceError | null, value?: TopicInfo) => void): grpc.ClientUnaryCall;
}

let loaded: { service: grpc.ServiceDefinition; Client: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => PubSubClient } | undefined;

/** The PubSub service definition (for a server) and its client constructor. */
export function pubSubService(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const root = protobuf.parse(IDL, { keepCase: true }).root;
  // Enums as names and bytes as Buffers; defaults filled so absent fields read as proto3 zero values.
  const definition = protoLoader.fromJSON(root.toJSON(), { keepCase: true, enums: String, longs: String, defaults: true, arrays: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { eventbus: { v1: { PubSub: grpc.ServiceClientConstructor } } };
  const ctor = pkg.eventbus.v1.PubSub;
  loaded = { service: ctor.service, Client: ctor as unknown as NonNullable<typeof loaded>['Client'] };
  return loaded;
}
