export { createServer, DEFAULT_BODY_LIMIT, type ServerOptions, type WebhookServerOptions } from './createServer.js';
export type { ReadinessCheck, ReadinessResult } from './readiness.js';
export type { ErrorBody } from './errors.js';
export type { WebhookConnectionConfig } from './webhooks/connections.js';
export { WEBHOOK_ROUTE, type WebhookAnswer } from './webhooks/route.js';
export {
  WebhookPayloadError,
  type WebhookSink,
  type WebhookInboxEvent,
  type WebhookVerifier,
  type WebhookDecoder,
  type DecodedWebhookEvent,
  type WebhookRequest,
  type VerifyResult,
} from './webhooks/types.js';
export { createVerifier, verifierTypes, type VerifierConfig } from './webhooks/verifiers/index.js';
export { getDecoder, decoderNames } from './webhooks/decoders/index.js';
