/**
 * A wire-faithful HubSpot simulator: CRM objects v3 (CRUD, batch, search, properties),
 * associations v4, OAuth v1 token refresh, webhooks v3 with signed deliveries, and HubSpot's
 * rate limits, error bodies and headers. Built on the shared simulator kit.
 *
 * HubSpot admin routes (besides the kit's `/__admin/faults`, `/__admin/reset`, `/__admin/deliveries`):
 * - `GET /__admin/state` record counts, webhook settings, limit usage
 * - `GET /__admin/records/{objectType}/{id}` a record with all properties and associations
 * - `POST|PATCH|DELETE /__admin/records/{objectType}[/{id}]` create, edit or archive "as a user in
 *   the CRM" (body `{properties, userId?}`), delivering webhooks to subscribed apps
 * - `POST /__admin/clock/advance` `{ms}` moves record time forward
 */
import { AssociationStore } from './associationStore.js';
import { registerAdminRoutes } from './admin.js';
import { registerAssociationRoutes } from './associationRoutes.js';
import { resolveConfig, type HubspotSimConfig } from './config.js';
import type { HubspotContext } from './context.js';
import { hubspotFaultResponder } from './errors.js';
import { loadFixtures } from './fixtures.js';
import { apiGuard, installHttpBehaviour } from './http.js';
import { HubspotLimiter } from './limits.js';
import { registerOAuthRoutes } from './oauth.js';
import { registerObjectRoutes } from './objectRoutes.js';
import { PropertyRegistry } from './properties.js';
import { registerPropertyRoutes } from './propertyRoutes.js';
import { RecordStore } from './records.js';
import { registerSearchRoute } from './search.js';
import { WebhookHub } from './webhookHub.js';
import { registerWebhookRoutes } from './webhookRoutes.js';
import { startSimulator, type RunningSimulator, type SimulatorKit, type SimulatorOptions, type VendorDefinition } from '../kit/server.js';

export { HUBSPOT_SIM_PRIVATE_APP_TOKEN, type HubspotSimConfig, type HubspotLimitsConfig, type HubspotOAuthConfig, type HubspotWebhookConfig } from './config.js';
export { signHubspotV1, signHubspotV2, signHubspotV3, verifyHubspotV3, normaliseSignatureUri, HUBSPOT_V3_MAX_AGE_MS } from './signature.js';
export type { FixtureRecord } from './fixtures.js';
export type { WebhookEvent } from './webhookHub.js';

export function hubspotSimulator(config: HubspotSimConfig = {}): VendorDefinition {
  const cfg = resolveConfig(config);
  let ctx: HubspotContext | undefined;

  return {
    name: 'hubspot',
    tokenPrefix: 'hs-sim-oauth-',
    errors: hubspotFaultResponder(() => cfg.limits.tenSecond),

    register(app, kit: SimulatorKit) {
      const registry = new PropertyRegistry();
      const c: HubspotContext = {
        config: cfg,
        kit,
        registry,
        records: new RecordStore(registry, cfg.datetimeFormat),
        associations: new AssociationStore(),
        limiter: new HubspotLimiter(cfg.limits),
        hub: new WebhookHub(cfg, kit),
      };
      ctx = c;
      for (const t of cfg.privateAppTokens) kit.tokens.addStatic(t, String(cfg.portalId));
      kit.tokens.addRefreshToken(cfg.oauth.refreshToken, String(cfg.portalId));

      installHttpBehaviour(app);
      registerOAuthRoutes(app, c);
      registerWebhookRoutes(app, c);
      registerAdminRoutes(app, c);
      app.register(async (api) => {
        api.addHook('onRequest', apiGuard(c));
        registerObjectRoutes(api, c);
        registerSearchRoute(api, c);
        registerPropertyRoutes(api, c);
        registerAssociationRoutes(api, c);
      });
    },

    reset(kit: SimulatorKit) {
      if (!ctx) return;
      ctx.registry.reset();
      ctx.records.clear();
      ctx.associations.clear();
      ctx.limiter.reset();
      ctx.hub.reset();
      loadFixtures(ctx, kit.options.fixturesDir);
    },
  };
}

/** Starts the simulator on 127.0.0.1 (port 0 unless given). */
export function startHubspotSimulator(options: SimulatorOptions & HubspotSimConfig = {}): Promise<RunningSimulator> {
  return startSimulator(hubspotSimulator(options), options);
}
