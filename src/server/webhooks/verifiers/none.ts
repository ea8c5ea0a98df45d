/**
 * No verification, for senders on a trusted network (a local simulator, an internal system behind
 * the same proxy). Replay protection and the body limit still apply.
 */
import type { WebhookVerifier } from '../types.js';

export interface NoneVerifierConfig {
  type: 'none';
}

export function noneVerifier(_config?: NoneVerifierConfig): WebhookVerifier {
  return { name: 'none', verify: () => ({ ok: true }) };
}
