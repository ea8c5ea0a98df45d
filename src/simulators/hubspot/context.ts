/** Everything the HubSpot routes share; one instance per running simulator. */
import type { SimulatorKit } from '../kit/server.js';
import type { AssociationStore } from './associationStore.js';
import type { ResolvedHubspotConfig } from './config.js';
import type { HubspotLimiter } from './limits.js';
import type { PropertyRegistry } from './properties.js';
import type { RecordStore } from './records.js';
import type { WebhookHub } from './webhookHub.js';

export interface HubspotContext {
  readonly config: ResolvedHubspotConfig;
  readonly kit: SimulatorKit;
  readonly registry: PropertyRegistry;
  readonly records: RecordStore;
  readonly associations: AssociationStore;
  readonly limiter: HubspotLimiter;
  readonly hub: WebhookHub;
}
