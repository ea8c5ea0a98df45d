/**
 * The Pub/Sub API's gRPC server for one org: GetTopic, GetSchema and Subscribe over plain-text
 * HTTP/2 on 127.0.0.1 (Salesforce serves TLS on api.pubsub.salesforce.com:7443). Calls are not
 * charged to the REST API budget: Pub/Sub has allocations of its own, which are not simulated.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { ERROR_CODES, pubSubService, type FetchRequest, type FetchResponse, type SchemaInfo, type TopicInfo } from '../../../vendors/salesforce/pubsub/protocol.js';
import type { SalesforceOrg } from '../org.js';
import { authFailure, statusError } from './auth.js';
import { Subscription } from './subscription.js';

export interface RunningPubSubServer {
  /** `http://127.0.0.1:PORT`; the gRPC target is the host and port. */
  readonly url: string;
  readonly port: number;
  /** Cancels every call in flight and stops listening. */
  close(): void;
}

function getTopic(org: SalesforceOrg): grpc.handleUnaryCall<{ topic_name: string }, TopicInfo> {
  return (call, callback) => {
    const denied = authFailure(org, call.metadata);
    if (denied) return callback(statusError(grpc.status.UNAUTHENTICATED, denied, ERROR_CODES.authFailure));
    const topic = org.changeEvents.topic(call.request.topic_name);
    if (!topic) return callback(statusError(grpc.status.NOT_FOUND, `Topic ${call.request.topic_name} not found or not accessible`, ERROR_CODES.topicNotFound));
    callback(null, { topic_name: topic.name, tenant_guid: org.config.orgId, can_publish: false, can_subscribe: true, schema_id: topic.schemaId, rpc_id: randomUUID() });
  };
}

function getSchema(org: SalesforceOrg): grpc.handleUnaryCall<{ schema_id: string }, SchemaInfo> {
  return (call, callback) => {
    const denied = authFailure(org, call.metadata);
    if (denied) return callback(statusError(grpc.status.UNAUTHENTICATED, denied, ERROR_CODES.authFailure));
    const json = org.changeEvents.schemaJson(call.request.schema_id);
    // UNCONFIRMED: the error-code trailer of an unknown schema id; none is sent.
    if (json === undefined) return callback(statusError(grpc.status.NOT_FOUND, `Schema ${call.request.schema_id} not found`));
    callback(null, { schema_json: json, schema_id: call.request.schema_id, rpc_id: randomUUID() });
  };
}

export async function startPubSubServer(org: SalesforceOrg, host = '127.0.0.1'): Promise<RunningPubSubServer> {
  const server = new grpc.Server();
  const subscribe: grpc.handleBidiStreamingCall<FetchRequest, FetchResponse> = (call) => new Subscription(call, org).start();
  server.addService(pubSubService().service, { Subscribe: subscribe, GetTopic: getTopic(org), GetSchema: getSchema(org) });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => {
      org.pubSubStreams.abandonAll();
      server.forceShutdown();
    },
  };
}
