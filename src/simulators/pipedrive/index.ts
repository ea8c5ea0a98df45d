/**
 * A Pipedrive simulator speaking the real wire protocol (FACTS §2): API v2 for organizations,
 * persons and deals, v1 for notes and webhooks, API-token and OAuth credentials, burst, search
 * and daily token limits, and v2 webhook deliveries.
 *
 * ```ts
 * const sim = await startPipedriveSimulator({ seed: 7, config: { burstLimit: { apiToken: 5 } } });
 * const persons = new v2.PersonsApi(new v2.Configuration({ apiKey: sim.apiToken, basePath: `${sim.url}/api/v2` }));
 * ```
 */
import type { FastifyInstance } from 'fastify';
import { startSimulator, type RunningSimulator, type SimulatorKit, type SimulatorOptions, type VendorDefinition } from '../kit/server.js';
import { resolveConfig, type PipedriveSimulatorConfig, type ResolvedPipedriveConfig } from './config.js';
import { errorBody, pipedriveErrors } from './errors.js';
import { buildStore } from './fixtures.js';
import type { PipedriveContext } from './gate.js';
import type { PipedriveStore } from './store.js';
import { PipedriveLimits } from './limits.js';
import { registerAdmin } from './routes/admin.js';
import { registerOAuth } from './routes/oauth.js';
import { registerV1 } from './routes/v1.js';
import { registerV2 } from './routes/v2.js';
import { PipedriveWebhooks } from './webhooks.js';

export type { PipedriveSimulatorConfig, ResolvedPipedriveConfig } from './config.js';
export { OPERATIONS, type Operation } from './operations.js';

/** Prefix of issued OAuth access tokens. */
const TOKEN_PREFIX = 'pd-sim-at-';

export function pipedriveSimulator(config: PipedriveSimulatorConfig = {}): VendorDefinition {
  const resolved = resolveConfig(config);
  let ctx: PipedriveContext | undefined;

  const freshStore = (kit: SimulatorKit, webhooks: PipedriveWebhooks): PipedriveStore => {
    const store = buildStore(resolved, kit.options.seed ?? 1, kit.options.fixturesDir);
    store.onChange = (event) => webhooks.dispatch(store, event);
    return store;
  };

  return {
    name: 'pipedrive',
    tokenPrefix: TOKEN_PREFIX,
    errors: pipedriveErrors,
    register(app: FastifyInstance, kit: SimulatorKit) {
      for (const token of resolved.apiTokens) kit.tokens.addStatic(token, String(resolved.company.id));
      kit.tokens.addRefreshToken(resolved.oauth.refreshToken, String(resolved.company.id));
      const webhooks = new PipedriveWebhooks(kit, resolved);
      const c: PipedriveContext = {
        kit,
        config: resolved,
        apiTokens: new Set(resolved.apiTokens),
        limits: new PipedriveLimits(resolved),
        webhooks,
        store: freshStore(kit, webhooks),
      };
      ctx = c;

      app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(`Unknown method ${request.method} ${request.url.split('?')[0]}`)));
      app.setErrorHandler((err: { statusCode?: number; message: string }, _request, reply) => {
        const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
        return reply.code(status).send(errorBody(status === 500 ? 'Internal server error' : err.message, { errorCode: status }));
      });

      registerV2(app, c);
      registerV1(app, c);
      registerOAuth(app, c);
      registerAdmin(app, c);
    },
    reset(kit: SimulatorKit) {
      if (!ctx) return;
      ctx.store = freshStore(kit, ctx.webhooks);
      ctx.limits.reset();
      kit.webhooks.log.length = 0;
    },
  };
}

export interface StartPipedriveOptions extends SimulatorOptions {
  config?: PipedriveSimulatorConfig;
}

export interface RunningPipedriveSimulator extends RunningSimulator {
  /** The first accepted API token, for `x-api-token`. */
  readonly apiToken: string;
  readonly config: ResolvedPipedriveConfig;
}

export async function startPipedriveSimulator(options: StartPipedriveOptions = {}): Promise<RunningPipedriveSimulator> {
  const { config, ...simOptions } = options;
  const resolved = resolveConfig(config);
  const running = await startSimulator(pipedriveSimulator(config), simOptions);
  return Object.assign(running, { apiToken: resolved.apiTokens[0] ?? '', config: resolved });
}
