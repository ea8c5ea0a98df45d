/**
 * `syncd run`: the daemon. Validates the spec files, migrates the store, starts every pipeline and
 * runs until SIGTERM/SIGINT; then stops taking work, drains in-flight batches and exits 0 within the
 * drain deadline. With `--once`, polls each pipeline once, drains the outbox and exits.
 */
import { loadSpecs } from '../specs.js';
import { Runtime } from '../../engine/runtime.js';
import type { RunnerProgress } from '../../engine/pipelineRunner.js';
import { registerSecret, redactSecrets } from '../../telemetry/secrets.js';
import { createLogger } from '../../telemetry/logger.js';
import { createMetrics } from '../../telemetry/metrics.js';
import type { ChangeStreamNotice } from '../../engine/changeEvents.js';
import { createTelemetry, WebhookSubscriptionsFailed, WebhookSubscriptionsReconciled, type Telemetry } from '../../telemetry/events.js';
import { createServer } from '../../server/createServer.js';
import { inboxSink } from '../../engine/webhookIntake.js';
import { queueDepth } from '../../state/outbox/queries.js';
import { summarizeReferenceWaits } from '../../state/referenceWaits.js';
import { UserError, type CommandIO } from '../io.js';
import { parseDuration } from '../../spec/duration.js';

export interface RunArgs {
  paths: string[];
  /** The HTTP port for webhooks, health and metrics. */
  port: number;
  host: string;
  /** Public URL vendors call, for signatures over the URL (HubSpot). */
  publicUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  store?: string;
  tenants: string[];
  pipelines?: string[];
  once: boolean;
  drainSeconds: number;
  /** A duration, or `off`. */
  retainDone?: string;
  progress: boolean;
}

function line(p: RunnerProgress): string {
  const parts = [`read ${p.read}`, `queued ${p.planned}`, `written ${p.written}`];
  if (p.filtered) parts.push(`filtered ${p.filtered}`);
  if (p.unchanged) parts.push(`unchanged ${p.unchanged}`);
  if (p.skipped) parts.push(`skipped ${p.skipped}`);
  if (p.awaitingReview) parts.push(`awaiting review ${p.awaitingReview} (syncd review list)`);
  if (p.awaitingReference > 0) parts.push(`waiting for a referenced record ${p.awaitingReference} (syncd status)`);
  if (p.retried) parts.push(`retried ${p.retried}`);
  if (p.rejected) parts.push(`rejected ${p.rejected}`);
  if (p.deadLettered) parts.push(`dead-lettered ${p.deadLettered}`);
  if (p.pausedForAuth) parts.push(`waiting for reconnect ${p.pausedForAuth}`);
  return `${p.pipeline} [${p.tenant}]  ${parts.join(', ')}`;
}

export async function runDaemon(given: RunArgs, io: CommandIO): Promise<number> {
  const args = given.publicUrl === undefined ? given : { ...given, publicUrl: publicBaseUrl(given.publicUrl) };
  const project = await loadSpecs(args.paths);
  if (project.pipelines.length === 0) throw new UserError(`no pipelines found in ${args.paths.join(', ')}`);
  const unknown = (args.pipelines ?? []).filter((n) => !project.pipelines.some((p) => p.metadata.name === n));
  if (unknown.length) throw new UserError(`no pipeline named ${unknown.join(', ')}; known: ${project.pipelines.map((p) => p.metadata.name).join(', ')}`);

  let lastPrint = 0;
  const onProgress = (p: RunnerProgress): void => {
    if (!args.progress) return;
    const now = Date.now();
    if (now - lastPrint < 1000) return;
    lastPrint = now;
    io.err(`${line(p)}\n`);
  };
  // Without the flag, the runtime's default retention applies.
  const retainDone = args.retainDone;
  const keepMs = retainDone === undefined || retainDone === 'off' ? undefined : parseDuration(retainDone);
  if (retainDone !== undefined && retainDone !== 'off' && keepMs === undefined) throw new UserError(`--retain-done ${retainDone} is not a duration (30d, 12h, 90m…) or off`);
  const logger = createLogger({ level: args.logLevel, base: { service: 'syncd' } });
  const metrics = createMetrics();
  const telemetry = createTelemetry({ logger, metrics });
  let runtime: Runtime;
  try {
    runtime = await Runtime.create({
      project,
      ...(args.store ? { store: args.store } : {}),
      tenants: args.tenants,
      ...(args.pipelines?.length ? { pipelines: args.pipelines } : {}),
      onSecret: registerSecret,
      onProgress,
      ...(args.once ? {} : { telemetry }),
      onError: (pipeline, stage, err) => io.err(`syncd: ${pipeline} ${stage}: ${redactSecrets(err instanceof Error ? err.message : String(err))}\n`),
      onChangeStream: (n) => {
        const msg = changeStreamLine(n);
        if (msg) io.err(`syncd: ${redactSecrets(msg)}\n`);
      },
      ...(retainDone === 'off' ? { retention: false as const } : keepMs !== undefined ? { retention: { keepMs } } : {}),
    });
  } catch (err) {
    // Unset environment variables, unreachable databases: the operator's to fix, no stack.
    throw new UserError(redactSecrets(err instanceof Error ? err.message : String(err)));
  }

  if (args.once) {
    const ok = await runtime.runOnce();
    for (const r of runtime.runners) io.err(`${line(r.progress)}\n`);
    await runtime.close();
    return ok ? 0 : 1;
  }

  try {
    return await serve(runtime, args, io, { metrics, telemetry });
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err instanceof UserError ? err : new UserError(redactSecrets(err instanceof Error ? err.message : String(err)));
  }
}

async function serve(
  rt: Runtime,
  args: RunArgs,
  io: CommandIO,
  { metrics, telemetry }: { metrics: ReturnType<typeof createMetrics>; telemetry: ReturnType<typeof createTelemetry> },
): Promise<number> {
  const runtime = rt;
  let started = false;
  metrics.observeOutbox(async () => {
    const tenants = [...new Set(rt.runners.map((r) => r.progress.tenant))];
    const snapshots = [];
    for (const tenant of tenants) {
      const waits = await summarizeReferenceWaits(rt.store.forTenant(tenant));
      for (const pipeline of [...new Set(rt.runners.filter((r) => r.progress.tenant === tenant).map((r) => r.progress.pipeline))]) {
        const d = await queueDepth(rt.store.forTenant(tenant), { pipeline });
        snapshots.push({ tenant, pipeline, depth: d.byStatus.pending + d.byStatus.in_flight + d.byStatus.waiting_auth, oldestAgeSeconds: d.oldestOpenCreatedAt === null ? 0 : (Date.now() - d.oldestOpenCreatedAt) / 1000, awaitingReference: waits.filter((w) => w.pipeline === pipeline).reduce((n, w) => n + w.records, 0) });
      }
    }
    return snapshots;
  });
  const server = createServer({
    telemetry,
    readiness: [
      { name: 'store', check: async () => (await rt.store.knex.raw('select 1'), true) },
      { name: 'pipelines', check: () => (started ? true : { ready: false, reason: 'starting' }) },
    ],
    webhooks: { ...(args.publicUrl ? { publicBaseUrl: args.publicUrl } : {}), connections: rt.webhookConnections(), sink: inboxSink(rt.store) },
  });
  try {
    await server.listen({ port: args.port, host: args.host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'EADDRINUSE' ? `port ${args.port} is in use; choose another with --port` : `cannot listen on ${args.host}:${args.port}: ${(err as Error).message}`);
  }
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : args.port;
  io.err(`syncd: running ${runtime.runners.length} pipeline(s); webhooks, /healthz, /readyz and /metrics on http://${args.host}:${port}; SIGTERM or Ctrl-C stops after draining\n`);
  runtime.start();
  started = true;
  const subscriptions = keepSubscriptionsRegistered(rt, args.publicUrl, io, telemetry);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  io.err('syncd: stopping: no new work, draining in-flight batches…\n');
  started = false;
  await subscriptions?.stop();
  await server.close();
  const { drained } = await runtime.stop(args.drainSeconds * 1000);
  for (const r of runtime.runners) io.err(`${line(r.progress)}\n`);
  io.err(drained ? 'syncd: stopped cleanly\n' : `syncd: drain deadline of ${args.drainSeconds}s passed; unfinished writes stay in the outbox for the next run\n`);
  return 0;
}

/** What an operator should read about a change stream; a reconnect after a blip stays in the logs. */
function changeStreamLine(n: ChangeStreamNotice): string | undefined {
  const what = `change stream ${n.target.tenant}/${n.target.connector} ${n.target.object}`;
  switch (n.kind) {
    case 'connected':
      return `${what}: connected, ${n.from === 'replay-id' ? 'resuming after the stored replay id' : n.from === 'earliest' ? 'from the earliest retained event' : 'from now on'}`;
    case 'disconnected':
      return `${what}: ${n.error.replace(/\.+$/, '')}; reconnecting in ${Math.ceil(n.retryInMs / 1000)}s`;
    case 'gap':
      return `${what}: the stored replay id was refused (${n.reason}), so events after ${n.since === null ? 'the last one stored' : new Date(n.since).toISOString()} may be missing; going on from the earliest retained event. Backfill a polling pipeline of ${n.target.object} from that time: syncd backfill <pipeline> --from <time>`;
    case 'received':
      return undefined;
    case 'unlisted':
      return `${what}: a ${n.changeType} event at ${new Date(n.at).toISOString()} names no single records (${n.recordIds.join(', ')}); backfill a polling pipeline of ${n.target.object} from that time`;
  }
}

/**
 * The base URL vendors call, without a trailing slash: signatures cover the exact URL, so
 * `https://syncd.example.com/` must not become `…//webhooks/…`.
 */
function publicBaseUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new UserError(`--public-url ${text} is not an http(s) base URL without query or fragment, such as https://syncd.example.com`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Registers the subscriptions connectors declare (`webhooks.subscribe`) once the endpoints listen,
 * since a vendor may check the URL when it is registered. Without a public URL there is nothing to
 * point them at: says so, and the operator registers them by hand.
 */
function keepSubscriptionsRegistered(rt: Runtime, publicUrl: string | undefined, io: CommandIO, telemetry: Telemetry): { stop(): Promise<void> } | undefined {
  if (publicUrl === undefined) {
    const connectors = rt.subscribingConnectors();
    if (connectors.length) io.err(`syncd: webhook subscriptions of ${connectors.join(', ')} are not registered: pass --public-url, the address vendors reach this daemon at\n`);
    return undefined;
  }
  const reported = new Set<string>();
  return rt.keepWebhookSubscriptions(publicUrl, {
    onOutcome: (o) => {
      telemetry.emit(WebhookSubscriptionsReconciled, { tenant: o.tenant, connection: o.connection, created: o.created.length, kept: o.kept.length, deleted: o.deleted });
      // Reported when something changed, and once at start; a quiet schedule otherwise.
      const key = `${o.tenant}/${o.connection}`;
      if (reported.has(key) && o.created.length === 0 && o.deleted === 0) return;
      reported.add(key);
      const parts = [`${o.created.length} created${o.created.length ? ` (${o.created.join(', ')})` : ''}`, `${o.kept.length} kept`];
      if (o.deleted) parts.push(`${o.deleted} removed`);
      io.err(`syncd: webhook subscriptions of ${o.tenant}/${o.connection}: ${parts.join(', ')}\n`);
    },
    onError: (t, err) => {
      const error = redactSecrets(err instanceof Error ? err.message : String(err));
      telemetry.emit(WebhookSubscriptionsFailed, { tenant: t.tenant, connection: t.connection, error });
      io.err(`syncd: cannot register the webhook subscriptions of ${t.tenant}/${t.connection}: ${error}; trying again in a minute\n`);
    },
  });
}
