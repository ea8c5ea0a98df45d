/**
 * The webhook endpoints the daemon serves, one per (tenant, connection), each with its verifier and
 * decoder built once at start-up.
 */
import { processSecrets, type SecretRegistry } from '../../telemetry/secrets.js';
import { getDecoder } from './decoders/index.js';
import type { WebhookDecoder, WebhookVerifier } from './types.js';
import { createVerifier, verifierSecrets, type VerifierConfig } from './verifiers/index.js';

export interface WebhookConnectionConfig {
  tenant: string;
  /** The connection's name, as it appears in `/webhooks/:tenant/:connection`. */
  connection: string;
  verifier: VerifierConfig;
  /** Name of the decoder that splits a delivery into events (`hubspot`, `pipedrive`). */
  decoder: string;
  /**
   * The exact public URL of this endpoint as registered with the vendor, when it differs from
   * `publicBaseUrl` + the request path (a proxy rewriting paths, a fixed app-wide target URL).
   * The request's query string is appended. @defaultValue `publicBaseUrl` + request path
   */
  publicUrl?: string;
}

export interface WebhookEndpoint {
  readonly tenant: string;
  readonly connection: string;
  readonly verifier: WebhookVerifier;
  readonly decoder: WebhookDecoder;
  readonly publicUrl: string | undefined;
}

export class WebhookEndpoints {
  private readonly byKey = new Map<string, WebhookEndpoint>();

  /** Throws on an unknown verifier or decoder, or a duplicate endpoint: configuration mistakes. */
  constructor(configs: readonly WebhookConnectionConfig[], secrets: SecretRegistry = processSecrets) {
    for (const c of configs) {
      const key = endpointKey(c.tenant, c.connection);
      if (this.byKey.has(key)) throw new Error(`webhook endpoint ${c.tenant}/${c.connection} is configured twice`);
      for (const s of verifierSecrets(c.verifier)) secrets.register(s);
      this.byKey.set(key, {
        tenant: c.tenant,
        connection: c.connection,
        verifier: createVerifier(c.verifier),
        decoder: getDecoder(c.decoder),
        publicUrl: c.publicUrl,
      });
    }
  }

  get(tenant: string, connection: string): WebhookEndpoint | undefined {
    return this.byKey.get(endpointKey(tenant, connection));
  }
}

// NUL never occurs in configured names, so distinct pairs never share a key.
const endpointKey = (tenant: string, connection: string) => `${tenant}\u0000${connection}`;
