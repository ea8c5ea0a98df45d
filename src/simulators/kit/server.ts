/**
 * The common shell of every simulator: a fastify server on 127.0.0.1, a seeded random source,
 * fault injection in front of the vendor's routes, and the admin API under `/__admin`.
 *
 * Admin API (never subject to faults or rate limits):
 * - `GET /__admin/faults`, `PUT /__admin/faults` (partial FaultConfig), `POST /__admin/faults/script`
 * - `POST /__admin/reset` resets faults and the vendor's state to its fixtures
 * - `GET /__admin/deliveries` lists outbound webhook attempts
 * Vendors add their own admin routes (state, editing records "as a user", firing webhooks).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { FaultController, applyFault, type FaultConfig, type ScriptedFault, type VendorErrorResponder } from './faults.js';
import { seededRandom, RecordClock } from './rng.js';
import { TokenStore } from './tokens.js';
import { WebhookDeliverer } from './webhooks.js';

export interface SimulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Seed for ids, timestamps and fault draws. */
  seed?: number;
  /** Folder of JSON fixture files the vendor loads instead of its built-in ones. */
  fixturesDir?: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
}

export interface SimulatorKit {
  readonly name: string;
  readonly rand: () => number;
  readonly clock: RecordClock;
  readonly faults: FaultController;
  readonly tokens: TokenStore;
  readonly webhooks: WebhookDeliverer;
  readonly options: SimulatorOptions;
  /** The simulator's own base URL, known once it listens (used in links and `api_domain`). */
  baseUrl(): string;
}

export interface VendorDefinition {
  name: string;
  /** Prefix of issued access tokens, so tokens from different simulators never collide. */
  tokenPrefix: string;
  errors: VendorErrorResponder;
  /** Registers the vendor's routes and admin routes; called once, before listening. */
  register(app: FastifyInstance, kit: SimulatorKit): void | Promise<void>;
  /** Restores fixtures (`POST /__admin/reset`). */
  reset(kit: SimulatorKit): void | Promise<void>;
}

export interface RunningSimulator {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly kit: SimulatorKit;
  setFaults(patch: Partial<FaultConfig>): void;
  scriptFault(fault: ScriptedFault): void;
  close(): Promise<void>;
}

export async function startSimulator(vendor: VendorDefinition, options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 1;
  const rand = seededRandom(seed);
  const faults = new FaultController(seededRandom(seed ^ 0x5eed));
  let base = '';
  const kit: SimulatorKit = {
    name: vendor.name,
    rand,
    clock: new RecordClock(),
    faults,
    tokens: new TokenStore(faults, vendor.tokenPrefix),
    webhooks: new WebhookDeliverer(),
    options,
    baseUrl: () => base,
  };

  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024, forceCloseConnections: true });
  // Vendors answer form-encoded OAuth token requests.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/__admin')) return;
    const decision = faults.decide(request.method, request.url.split('?')[0] as string);
    if (await applyFault(decision, request, reply, vendor.errors)) return reply;
  });

  app.get('/__admin/faults', async () => ({ config: faults.config, injected: faults.injected }));
  app.put('/__admin/faults', async (request) => {
    const patch = (request.body ?? {}) as Partial<FaultConfig>;
    if (patch.expireTokens) kit.tokens.expireAllNow();
    return { config: faults.set(patch) };
  });
  app.post('/__admin/faults/script', async (request) => {
    faults.script(request.body as ScriptedFault);
    return { config: faults.config };
  });
  app.post('/__admin/reset', async () => {
    faults.reset();
    await vendor.reset(kit);
    return { ok: true };
  });
  app.get('/__admin/deliveries', async () => ({ deliveries: kit.webhooks.log }));

  await vendor.register(app, kit);
  await vendor.reset(kit);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  base = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    url: base,
    port,
    app,
    kit,
    setFaults: (patch) => {
      if (patch.expireTokens) kit.tokens.expireAllNow();
      faults.set(patch);
    },
    scriptFault: (fault) => faults.script(fault),
    close: async () => {
      kit.webhooks.cancelRetries();
      await kit.webhooks.drain();
      await app.close();
    },
  };
}
