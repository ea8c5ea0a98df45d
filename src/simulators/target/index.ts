/**
 * A generic "records API" to sync into: upsert by key in batches, read by id, list changes, an
 * OAuth token route, an optional fixed rate window, per-record refusals, and the simulator kit's
 * fault modes (5xx, 429, timeouts, dropped connections, expired or revoked tokens, latency). Its
 * counters say how often each key was written, re-sent unchanged or refused, and which
 * idempotency keys arrived — what the engine's acceptance tests and the benchmark measure.
 * Connector: test/fixtures/target/connector.yaml. Admin routes: admin.ts.
 */
import type { FastifyInstance } from 'fastify';
import { startSimulator, type RunningSimulator, type SimulatorKit, type SimulatorOptions, type VendorDefinition } from '../kit/server.js';
import type { ScriptedFault, FaultConfig } from '../kit/faults.js';
import { FixedWindow } from '../kit/windows.js';
import { registerAdminRoutes } from './admin.js';
import { targetErrors } from './errors.js';
import { registerApiRoutes, type SlowAnswer } from './routes.js';
import { RecordsState, type RecordRejection, type TargetRecord, type TargetStats } from './store.js';

export type { RecordRejection, TargetRecord, TargetStats } from './store.js';
export type { SlowAnswer } from './routes.js';

export interface RecordsTargetOptions extends SimulatorOptions {
  /**
   * Static bearer tokens the API accepts (an API key).
   * @defaultValue ['target-token']
   */
  tokens?: string[];
  /**
   * OAuth 2 refresh-token grant at `POST /oauth/token`. Absent: no token route.
   * `refreshToken` is the token the "install" handed out.
   */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string; accessTokenLifetimeSeconds?: number };
  /**
   * Most records per `POST /records/batch`.
   * @defaultValue 100
   */
  maxBatch?: number;
  /**
   * A fixed window of `limit` API requests per `windowMs`; beyond it, 429 with `Retry-After`.
   * Every API answer then carries `x-ratelimit-limit`, `x-ratelimit-remaining` and
   * `x-ratelimit-reset` (seconds). @defaultValue none
   */
  rate?: { limit: number; windowMs: number };
  /**
   * Added to every API answer, in ms (the kit's `latencyMs` fault).
   * @defaultValue 0
   */
  latencyMs?: number;
}

export interface RecordsTarget {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly kit: SimulatorKit;
  stats(): TargetStats;
  /** Zeroes the counters; records stay. */
  resetCounters(): void;
  record(key: string): TargetRecord | undefined;
  records(): TargetRecord[];
  /** Edits (or creates) a record "as a user": not counted as an API write. */
  edit(key: string, fields: Record<string, unknown>, updatedAt?: string): TargetRecord;
  reject(rejection: RecordRejection): void;
  /** The next `count` batches are applied at once but answered `delayMs` later. */
  slowAnswers(slow: SlowAnswer): void;
  setRate(rate: { limit: number; windowMs: number } | undefined): void;
  setFaults(patch: Partial<FaultConfig>): void;
  scriptFault(fault: ScriptedFault): void;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = 'target-token';

export function recordsTarget(options: RecordsTargetOptions, state: RecordsState, rate: { window?: FixedWindow }, slowAnswers: SlowAnswer[] = []): VendorDefinition {
  return {
    name: 'records-target',
    tokenPrefix: 'rt-',
    errors: targetErrors(() => rate.window),
    register(app, kit) {
      for (const t of options.tokens ?? [DEFAULT_TOKEN]) kit.tokens.addStatic(t, 'target');
      if (options.oauth) kit.tokens.addRefreshToken(options.oauth.refreshToken, 'target');
      app.addHook('onResponse', async (req, reply) => {
        if (!req.url.startsWith('/__admin')) state.countRequest(`${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]} ${reply.statusCode}`);
      });
      registerApiRoutes(app, {
        state,
        kit,
        maxBatch: options.maxBatch ?? 100,
        window: () => rate.window,
        slowAnswers,
        ...(options.oauth ? { oauth: { clientId: options.oauth.clientId, clientSecret: options.oauth.clientSecret, accessTokenLifetimeSeconds: options.oauth.accessTokenLifetimeSeconds ?? 3600 } } : {}),
      });
      registerAdminRoutes(app, {
        state,
        slowAnswers,
        setRate: (limit, windowMs) => {
          rate.window = limit > 0 ? new FixedWindow(limit, windowMs) : undefined;
        },
      });
    },
    reset() {
      state.reset();
      slowAnswers.length = 0;
    },
  };
}

/** Starts the records target on 127.0.0.1 (port 0 unless given). */
export async function startRecordsTarget(options: RecordsTargetOptions = {}): Promise<RecordsTarget> {
  const state = new RecordsState();
  const rate: { window?: FixedWindow } = options.rate ? { window: new FixedWindow(options.rate.limit, options.rate.windowMs) } : {};
  const slow: SlowAnswer[] = [];
  const sim: RunningSimulator = await startSimulator(recordsTarget(options, state, rate, slow), options);
  if (options.latencyMs) sim.setFaults({ latencyMs: options.latencyMs });
  return {
    url: sim.url,
    port: sim.port,
    app: sim.app,
    kit: sim.kit,
    stats: () => state.stats(),
    resetCounters: () => state.resetCounters(),
    record: (key) => state.getByKey(key),
    records: () => state.all(),
    edit: (key, fields, updatedAt) => state.edit(key, fields, updatedAt),
    reject: (r) => state.reject(r),
    slowAnswers: (s) => {
      slow.push({ ...s });
    },
    setRate: (r) => {
      rate.window = r && r.limit > 0 ? new FixedWindow(r.limit, r.windowMs) : undefined;
    },
    setFaults: (patch) => sim.setFaults(patch),
    scriptFault: (fault) => sim.scriptFault(fault),
    close: () => sim.close(),
  };
}
