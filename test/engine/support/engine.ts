/**
 * One engine under test: the records target, a state store and a local database on a backend,
 * the fixture project, and a runtime over them. `settle()` runs sync cycles until nothing is left
 * to deliver (retries that come due included), as a daemon would, without its timers.
 */
import type { Knex } from 'knex';
import { Runtime } from '../../../src/engine/runtime.js';
import { loadProject } from '../../../src/engine/project.js';
import type { Scope } from '../../../src/state/scope.js';
import { queueDepth } from '../../../src/state/outbox/queries.js';
import { queryAudit, type AuditEntry } from '../../../src/state/audit.js';
import type { RecordsTarget, RecordsTargetOptions } from '../../../src/simulators/target/index.js';
import { prepareBackend, type Backend, type BackendUrls } from './backends.js';
import { createItems, insertItems, openLocal, type ItemRow } from './localDb.js';
import { fixtureEnv, startTarget } from './target.js';
import { createTelemetry } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

export const CONNECTION = 'default:target';

export interface Engine {
  target: RecordsTarget;
  runtime: Runtime;
  scope: Scope;
  local: Knex;
  urls: BackendUrls;
  env: NodeJS.ProcessEnv;
  /** Runs cycles until no write is pending or in flight; throws after `timeoutMs`. */
  settle(timeoutMs?: number): Promise<void>;
  /** The whole audit trail of the pipeline, oldest first. */
  audit(): Promise<AuditEntry[]>;
  /**
   * The runtime's metric `name` (without the `syncd_` prefix), summed over the samples whose labels
   * include `labels`: what `/metrics` would show. The runtime's events go to a silent logger.
   */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface EngineOptions {
  items?: ItemRow[];
  target?: RecordsTargetOptions;
  backend?: Backend;
  /** The pipeline file. @defaultValue the fixture's items-to-target.yaml */
  pipeline?: string;
  /**
   * Off for tests that play another worker claiming from the outbox between a poll and its
   * delivery. @defaultValue the runtime's default (on with SQLite)
   */
  handoff?: boolean;
}

export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  const urls = await prepareBackend(opts.backend ?? 'sqlite', 'syncd_engine');
  const target = await startTarget(opts.target);
  const local = openLocal(urls.local);
  await createItems(local);
  if (opts.items) await insertItems(local, opts.items);
  const env = { ...fixtureEnv(target, urls.local), SYNCD_SECRET_KEY: urls.secretKey };
  const project = await loadProject(['test/fixtures/target/connector.yaml', 'test/fixtures/target/local.yaml', opts.pipeline ?? 'test/fixtures/target/items-to-target.yaml']);
  const metrics = createMetrics();
  const telemetry = createTelemetry({ logger: createLogger({ level: 'silent' }), metrics });
  const runtime = await Runtime.create({ project, store: urls.store, env, telemetry, ...(opts.handoff !== undefined ? { handoff: opts.handoff } : {}) });
  const scope = runtime.store.forTenant('default');
  return {
    target,
    runtime,
    scope,
    local,
    urls,
    env,
    async settle(timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await runtime.runOnce();
        const depth = await queueDepth(scope);
        if (depth.byStatus.pending === 0 && depth.byStatus.in_flight === 0) return;
        if (Date.now() > until) throw new Error(`outbox not settled after ${timeoutMs} ms: ${JSON.stringify(depth.byStatus)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async audit() {
      const all: AuditEntry[] = [];
      for (;;) {
        const page = await queryAudit(scope, { pipeline: 'items-to-target', limit: 1000, ...(all.length ? { after: all[all.length - 1] as AuditEntry } : {}) });
        all.push(...page);
        if (page.length < 1000) return all;
      }
    },
    async metric(name, labels = {}) {
      // A histogram's `_count` and `_sum` are samples of the histogram itself.
      const family = `syncd_${name}`.replace(/_(count|sum)$/, '');
      const m = metrics.registry.getSingleMetric(family);
      if (!m) throw new Error(`no metric ${family}`);
      const { values } = await m.get();
      return values
        .filter((v) => ((v as { metricName?: string }).metricName ?? family) === `syncd_${name}` && Object.entries(labels).every(([k, want]) => v.labels[k] === want))
        .reduce((n, v) => n + v.value, 0);
    },
    async close() {
      await runtime.close();
      await local.destroy();
      await target.close();
      await urls.cleanup();
    },
  };
}
