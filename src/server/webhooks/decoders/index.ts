/** Webhook decoders, selected by the name a connector's webhook configuration gives. */
import type { WebhookDecoder } from '../types.js';
import { hubspotDecoder } from '../../../vendors/hubspot/webhookDecoder.js';
import { pipedriveDecoder } from '../../../vendors/pipedrive/webhookDecoder.js';

const decoders = new Map<string, WebhookDecoder>([hubspotDecoder, pipedriveDecoder].map((d) => [d.name, d]));

export const decoderNames = (): string[] => [...decoders.keys()];

export function getDecoder(name: string): WebhookDecoder {
  const decoder = decoders.get(name);
  if (!decoder) throw new Error(`unknown webhook decoder "${name}"; known: ${decoderNames().join(', ')}`);
  return decoder;
}

export { hubspotDecoder, pipedriveDecoder };
