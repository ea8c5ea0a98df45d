/**
 * Salesforce REST API simulator: OAuth refresh, sObject CRUD and upsert by external id, sObject
 * Collections, Composite, SOQL with cursors, Limits and `Sforce-Limit-Info`, with Salesforce's
 * JSON error arrays throughout. Change Data Capture is served over the Pub/Sub API (gRPC with
 * Avro payloads) on a second port, `pubSubUrl`: every committed write to a selected object
 * publishes a change event (see `pubsub/`).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { startSimulator, type RunningSimulator, type SimulatorKit, type SimulatorOptions, type VendorDefinition } from '../kit/server.js';
import type { VendorErrorResponder } from '../kit/faults.js';
import { registerAdmin } from './admin.js';
import { resolveConfig, type ResolvedSalesforceConfig, type SalesforceSimulatorConfig } from './config.js';
import { LIMIT_EXCEEDED, RESOURCE_NOT_FOUND, errorBody } from './errors.js';
import { chooseFixtures, loadFixtures } from './fixtures.js';
import { registerRestApi, sessionInvalid } from './http.js';
import { issueSession, registerOAuth } from './oauth.js';
import { SalesforceOrg } from './org.js';
import { pubSubAdmin, type SalesforcePubSubAdmin } from './pubsub/admin.js';
import { startPubSubServer } from './pubsub/server.js';

export type { SalesforceSimulatorConfig, ResolvedSalesforceConfig } from './config.js';
export type { SalesforceFieldConfig, SalesforceSObjectConfig, FieldType } from './schema.js';
export { defaultSObjects } from './schema.js';
export { defaultFixtures, type FixtureSet } from './fixtures.js';
export { SalesforceOrg } from './org.js';
export type { SalesforcePubSubAdmin, RetainedChangeEvent } from './pubsub/admin.js';
export { ALL_CHANGE_EVENTS_TOPIC } from './pubsub/eventBus.js';
export { changeEventName } from './pubsub/avroSchema.js';

export interface SalesforceVendor extends VendorDefinition {
  /** The simulated org (schema, records, budget). */
  readonly org: SalesforceOrg;
}

function errorResponder(org: SalesforceOrg): VendorErrorResponder {
  return {
    serverError(reply, status) {
      // UNCONFIRMED: the wording of 5xx bodies; Salesforce answers them as error arrays too.
      const error =
        status === 503
          ? { errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable. Please try again later.' }
          : { errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1720368151-5471 (-1105367064)' };
      return reply.code(status).header('Sforce-Limit-Info', org.limitInfo()).send(errorBody([error]));
    },
    // Salesforce has no 429: concurrency and daily limits both answer 403 REQUEST_LIMIT_EXCEEDED.
    rateLimited(reply) {
      return reply.code(403).header('Sforce-Limit-Info', org.limitInfo()).send(errorBody([LIMIT_EXCEEDED]));
    },
    unauthorized(reply) {
      if (reply.request.url.startsWith('/services/oauth2/')) {
        return reply.code(400).send({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
      }
      return sessionInvalid(reply.header('Sforce-Limit-Info', org.limitInfo()));
    },
  };
}

function registerErrorHandlers(app: FastifyInstance, org: SalesforceOrg): void {
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody([{ errorCode: 'NOT_FOUND', message: RESOURCE_NOT_FOUND }])));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.url.startsWith('/services/data/v')) reply.header('Sforce-Limit-Info', org.limitInfo());
    const status = error.statusCode ?? 500;
    if (status === 415) return reply.code(415).send(errorBody([{ errorCode: 'UNSUPPORTED_MEDIA_TYPE', message: `Content type '${request.headers['content-type'] ?? ''}' not supported` }]));
    if (status === 413) return reply.code(413).send(errorBody([{ errorCode: 'REQUEST_ENTITY_TOO_LARGE', message: 'Request body too large' }]));
    if (status === 400) return reply.code(400).send(errorBody([{ errorCode: 'JSON_PARSER_ERROR', message: error.message }]));
    return reply.code(500).send(errorBody([{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.' }]));
  });
}

/** The Salesforce vendor definition for the simulator kit. */
export function salesforceSimulator(config: SalesforceSimulatorConfig = {}): SalesforceVendor {
  const resolved = resolveConfig(config);
  const org = new SalesforceOrg(resolved);
  return {
    name: 'salesforce',
    // Salesforce access tokens start with the org id and `!`.
    tokenPrefix: `${resolved.orgId.slice(0, 15)}!AQ`,
    errors: errorResponder(org),
    org,
    register(app: FastifyInstance, kit: SimulatorKit) {
      org.attach(kit);
      registerErrorHandlers(app, org);
      registerOAuth(app, kit, org);
      registerRestApi(app, kit, org);
      registerAdmin(app, kit, org);
    },
    reset(kit: SimulatorKit) {
      org.resetState();
      kit.tokens.addRefreshToken(resolved.refreshToken, resolved.orgId);
      loadFixtures(org, chooseFixtures(org));
    },
  };
}

export interface SalesforceSimulatorOptions extends SimulatorOptions {
  /** The org's configuration. @defaultValue `{}` (every default of SalesforceSimulatorConfig) */
  config?: SalesforceSimulatorConfig;
}

export interface RunningSalesforceSimulator extends RunningSimulator {
  readonly org: SalesforceOrg;
  readonly config: ResolvedSalesforceConfig;
  /** A fresh access token for the integration user, as if an OAuth flow had just completed. */
  issueAccessToken(): string;
  /**
   * The Pub/Sub API (gRPC, no TLS): `http://127.0.0.1:PORT`. Connect to `127.0.0.1:PORT` with
   * insecure credentials and the metadata `accesstoken`, `instanceurl` and `tenantid`.
   */
  readonly pubSubUrl: string;
  /** Change Data Capture faults and inspection. */
  readonly pubSub: SalesforcePubSubAdmin;
}

export async function startSalesforceSimulator(options: SalesforceSimulatorOptions = {}): Promise<RunningSalesforceSimulator> {
  const { config, ...kitOptions } = options;
  const vendor = salesforceSimulator(config);
  const running = await startSimulator(vendor, kitOptions);
  const pubsub = await startPubSubServer(vendor.org, kitOptions.host).catch(async (err: unknown) => {
    await running.close();
    throw err;
  });
  return {
    url: running.url,
    port: running.port,
    app: running.app,
    kit: running.kit,
    setFaults: running.setFaults,
    scriptFault: running.scriptFault,
    close: async () => {
      pubsub.close();
      await running.close();
    },
    org: vendor.org,
    config: vendor.org.config,
    issueAccessToken: () => issueSession(running.kit, vendor.org),
    pubSubUrl: pubsub.url,
    pubSub: pubSubAdmin(vendor.org),
  };
}
