/** Webhook verifiers, selected by the `type` a connector's webhook configuration names. */
import { basicAuthVerifier, type BasicAuthVerifierConfig } from './basicAuth.js';
import { hubspotLegacyVerifier, type HubSpotLegacyVerifierConfig } from './hubspotLegacy.js';
import { hubspotV3Verifier, type HubSpotV3VerifierConfig } from './hubspotV3.js';
import { noneVerifier, type NoneVerifierConfig } from './none.js';
import type { WebhookVerifier } from '../types.js';

export type VerifierConfig = HubSpotV3VerifierConfig | HubSpotLegacyVerifierConfig | BasicAuthVerifierConfig | NoneVerifierConfig;

type Factories = { [T in VerifierConfig['type']]: (config: Extract<VerifierConfig, { type: T }>) => WebhookVerifier };

const factories: Factories = {
  'hubspot-v3': hubspotV3Verifier,
  'hubspot-v2': hubspotLegacyVerifier,
  'hubspot-v1': hubspotLegacyVerifier,
  'basic-auth': basicAuthVerifier,
  none: noneVerifier,
};

export const verifierTypes = Object.keys(factories) as VerifierConfig['type'][];

export function createVerifier(config: VerifierConfig): WebhookVerifier {
  const factory = factories[config.type] as ((c: VerifierConfig) => WebhookVerifier) | undefined;
  if (!factory) throw new Error(`unknown webhook verifier "${String((config as { type: unknown }).type)}"; known: ${verifierTypes.join(', ')}`);
  return factory(config);
}

/** The secret values a verifier configuration holds, to register for redaction. */
export function verifierSecrets(config: VerifierConfig): string[] {
  switch (config.type) {
    case 'hubspot-v3':
    case 'hubspot-v2':
    case 'hubspot-v1':
      return [config.clientSecret];
    case 'basic-auth':
      // The header carries the pair base64-encoded; that form would slip past value redaction.
      return [config.password, Buffer.from(`${config.username}:${config.password}`).toString('base64')];
    case 'none':
      return [];
  }
}

export { hubspotV3Verifier, hubspotV3Signature, hubspotSignatureUri } from './hubspotV3.js';
export { hubspotLegacyVerifier, hubspotLegacySignature } from './hubspotLegacy.js';
export { basicAuthVerifier } from './basicAuth.js';
export { noneVerifier } from './none.js';
export type { HubSpotV3VerifierConfig, HubSpotLegacyVerifierConfig, BasicAuthVerifierConfig, NoneVerifierConfig };
