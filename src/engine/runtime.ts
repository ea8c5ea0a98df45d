/**
 * The runtime: a validated project compiled into running pipelines on one state store. It owns
 * the connector clients (one per tenant × connector, sharing a rate budget per connection), the
 * local database pools and the runners, and stops them in order: no new work, drain, close.
 */
import { hostname } from 'node:os';
import type { ConnectorDocument, PipelineDocument } from '../spec/types.js';
import { resolveDeep, type ResolveOptions } from '../spec/secrets.js';
import { durationMs } from '../spec/duration.js';
import { openStore, type Store } from '../state/store.js';
import { createConnectorClient, type ConnectorClient } from '../connectors/client.js';
import { MemoryBudgetBackend } from '../connectors/budget/memoryBackend.js';
import { createStoreBudgetBackend } from './storeBudgetBackend.js';
import '../vendors/index.js';
import { LocalDatabases } from './localDatabases.js';
import { isLocal } from './fieldPlan.js';
import { buildPlanContext } from './planContext.js';
import { orient, targetFor } from './orientation.js';
import { PipelineRunner, type RunnerProgress } from './pipelineRunner.js';
import { searchesCandidates } from '../spec/matching.js';
import { tableSource, tableTarget } from './endpoints/tableEndpoints.js';
import { connectorSource, connectorTarget } from './endpoints/connectorEndpoints.js';
import { storeCredentials } from './credentials.js';
import { connectorTelemetry } from './connectorTelemetry.js';
import { releaseDeadWorkers } from './workerRecovery.js';
import type { SourcePort, TargetPort } from './ports.js';
import type { Project } from './project.js';
import { webhookSource } from './endpoints/webhookSource.js';
import { readOperations } from './endpoints/recordReads.js';
import { webhookConnections } from './webhookIntake.js';
import { keepHeapNearLiveSize } from './heapPolicy.js';
import { startRetention, type RetentionHandle, type RetentionOptions } from './retention.js';
import type { WebhookConnectionConfig } from '../server/webhooks/connections.js';
import { webhookPath } from '../server/webhooks/route.js';
import { keepSubscriptions, type SubscriptionKeeperOptions, type SubscriptionTarget } from './webhookSubscriptions.js';
import { ChangeEventsReceived, ChangeStreamDisconnected, ChangeStreamGap, ChangeStreamUnlisted, ChangeStreamConnected, InboxPurged, OutboxPurged, type Telemetry } from '../telemetry/events.js';
import { changeEventTypes, changeInbox, followChangeStreams, type ChangeStreamNotice, type ChangeStreamOptions, type ChangeStreamTarget } from './changeEvents.js';
import { CHANGE_TYPES } from '../spec/types.js';

export interface RuntimeOptions {
  project: Project;
  /** State store URL (see `openStore`). Default: `.syncd/state.db`. */
  store?: string;
  /** Tenants to run. Default: `['default']`. */
  tenants?: string[];
  /** Only these pipelines. Default: all. */
  pipelines?: string[];
  /** Where `${env:…}` references and the store's `SYNCD_SECRET_KEY` are read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Worker id, unique per process. Default: host name and process id; with the default, leases
   * and claims left by a crashed process of this host are released on start (workerRecovery.ts).
   */
  worker?: string;
  /** Called with each resolved secret value so logs can scrub it. */
  onSecret?: (value: string) => void;
  onProgress?: (p: RunnerProgress) => void;
  onError?: (pipeline: string, stage: string, err: unknown) => void;
  /** Each change stream's connects, disconnects and gaps (also emitted as telemetry). */
  onChangeStream?: (n: ChangeStreamNotice) => void;
  /** Lease and standby timings of the change streams (tests). Default: 60 s and 15 s. */
  changeStreams?: Pick<ChangeStreamOptions, 'leaseMs' | 'standbyMs'>;
  /** Records per source page. Default: 1000. */
  pageSize?: number;
  /** Named events (logs and metrics) for every write. Default: none. */
  telemetry?: Telemetry;
  /**
   * Deliver each page's writes straight from the page's commit instead of claiming them back from
   * the outbox (`RunnerOptions.handoff`: exclusive with a SQLite store, which only this process
   * delivers from; shared with PostgreSQL, where workers share the outbox). Default: on.
   */
  handoff?: boolean;
  /**
   * How long the daemon keeps done writes in the outbox before they become audit rows of their
   * own (`retention.ts`), or `false` to keep them there. Default: 30 days.
   */
  retention?: Pick<RetentionOptions, 'keepMs' | 'everyMs' | 'batch'> | false;
}

/** How long `syncd run` keeps done writes in the outbox unless told otherwise. */
export const DEFAULT_RETENTION_MS = 30 * 86_400_000;

const DEFAULT_RETRY = { attempts: 6, initialDelay: '500ms', maxDelay: '2m' };
/** Change types a `changeEvents` source processes unless it lists its own. */
const DEFAULT_CHANGES = CHANGE_TYPES;
/** Records per source page when unlinked records are matched by searching the CRM. */
const MATCHED_PAGE_SIZE = 100;

export class Runtime {
  readonly runners: PipelineRunner[] = [];
  private readonly databases = new LocalDatabases();
  private readonly clients = new Map<string, ConnectorClient>();
  private readonly budget = new MemoryBudgetBackend();
  private readonly resolved = new Map<string, ConnectorDocument>();
  private readonly worker: string;
  private retention?: RetentionHandle;
  private changeStreams?: { stop(): Promise<void> };
  /** Built with the runners, so that a missing setting fails `create`, not `start`. */
  private streamTargets: ChangeStreamTarget[] = [];

  private constructor(
    readonly store: Store,
    private readonly opts: RuntimeOptions,
  ) {
    this.worker = opts.worker ?? `${hostname()}:${process.pid}`;
  }

  static async create(opts: RuntimeOptions): Promise<Runtime> {
    // The store reads its credentials key (SYNCD_SECRET_KEY) from the same environment as the specs.
    const store = openStore({ ...(opts.store !== undefined ? { url: opts.store } : {}), ...(opts.env ? { env: opts.env } : {}) });
    await store.migrate();
    if (opts.worker === undefined) {
      for (const tenant of opts.tenants ?? ['default']) await releaseDeadWorkers(store.forTenant(tenant));
    }
    const rt = new Runtime(store, opts);
    try {
      rt.build();
    } catch (err) {
      await rt.close();
      throw err;
    }
    return rt;
  }

  private connector(name: string): ConnectorDocument {
    let doc = this.resolved.get(name);
    if (!doc) {
      const raw = this.opts.project.connectors.get(name);
      if (!raw) throw new Error(`connector ${name} is not loaded`);
      // A change stream's settings are resolved only when a pipeline reads it, so that running
      // the connector's other pipelines needs none of its variables.
      const { changeEvents, ...spec } = raw.spec;
      const resolved = resolveDeep({ ...raw, spec }, this.resolveOptions());
      doc = changeEvents ? { ...resolved, spec: { ...resolved.spec, changeEvents } } : resolved;
      this.resolved.set(name, doc);
    }
    return doc;
  }

  /**
   * The runner of `pipeline` for `tenant`, or, without a tenant, its only runner. Throws when there
   * is none (or several to choose from).
   */
  runner(pipeline: string, tenant?: string): PipelineRunner {
    const found = this.runners.filter((r) => r.progress.pipeline === pipeline && (tenant === undefined || r.progress.tenant === tenant));
    if (found.length !== 1) throw new Error(found.length ? `pipeline ${pipeline} runs for ${found.length} tenants; name one` : `pipeline ${pipeline} does not run${tenant ? ` for tenant ${tenant}` : ''}`);
    return found[0] as PipelineRunner;
  }

  private resolveOptions(): ResolveOptions {
    return { env: this.opts.env ?? process.env, ...(this.opts.onSecret ? { onResolved: this.opts.onSecret } : {}) };
  }

  private client(tenant: string, name: string): ConnectorClient {
    const key = `${tenant}:${name}`;
    let c = this.clients.get(key);
    if (!c) {
      c = createConnectorClient(this.connector(name), {
        connection: { id: key },
        tenant,
        credentials: storeCredentials(this.store.forTenant(tenant)),
        // Workers sharing a PostgreSQL store share each connection's budget through it (DESIGN §4);
        // a SQLite store serves one process, whose clients share the in-memory budget.
        budget: this.store.dialect === 'postgres' ? createStoreBudgetBackend(this.store, tenant) : this.budget,
        ...(this.opts.telemetry ? { metrics: connectorTelemetry(this.opts.telemetry, tenant, name) } : {}),
      });
      this.clients.set(key, c);
    }
    return c;
  }

  private build(): void {
    const tenants = this.opts.tenants ?? ['default'];
    const selected = this.selected();
    const worker = this.worker;
    for (const pipeline of selected) {
      for (const tenant of tenants) {
        if (pipeline.spec.tenants?.[tenant]?.disabled) continue;
        this.runners.push(this.buildRunner(pipeline, tenant, worker));
      }
    }
    this.streamTargets = this.changeStreamTargets();
  }

  private buildRunner(pipeline: PipelineDocument, tenant: string, worker: string): PipelineRunner {
    const spec = pipeline.spec;
    const name = pipeline.metadata.name;
    const docs = this.opts.project.connectors;
    const source = this.buildSource(pipeline, tenant);
    const targetSpec = targetFor(pipeline, tenant);
    const targetDoc = this.connector(targetSpec.connector);
    let target: TargetPort;
    let operation: string;
    if (isLocal(targetDoc)) {
      const table = targetSpec.table as string;
      const tableSpec = targetDoc.spec.tables?.[table];
      if (!tableSpec) throw new Error(`pipeline ${name}: table ${table} is not declared`);
      const updatedAtColumn = this.modificationColumn(targetSpec.connector, table);
      target = tableTarget({ db: this.databases.get(targetDoc.spec.database as string), connector: targetSpec.connector, table, spec: tableSpec, ...(updatedAtColumn ? { updatedAtColumn } : {}) });
      operation = 'upsert';
    } else {
      const object = targetSpec.object as string;
      const objectSpec = targetDoc.spec.objects?.[object];
      if (!objectSpec) throw new Error(`pipeline ${name}: object ${object} is not declared`);
      target = connectorTarget({ client: this.client(tenant, targetSpec.connector), connector: targetSpec.connector, object, spec: objectSpec });
      operation = targetSpec.operation as string;
    }
    const planContext = buildPlanContext(pipeline, tenant, docs, target, operation, new Map(this.opts.project.pipelines.map((p) => [p.metadata.name, p])));
    const retry = { ...DEFAULT_RETRY, ...(targetDoc.spec.retry ?? {}), ...(spec.target.delivery?.retry ?? {}) };
    const connection = planContext.connection;
    const concurrency = spec.target.delivery?.concurrency ?? 4;
    const batch = Math.max(1, spec.target.delivery?.batchSize ?? target.maxBatch(operation));
    return new PipelineRunner({
      store: this.store,
      tenant,
      source,
      sourceName: `${spec.source.type}:${spec.source.connector}`,
      sourceConnector: spec.source.connector,
      scheduleMs: spec.source.type === 'webhook' || spec.source.type === 'changeEvents' ? 1000 : durationMs(spec.source.schedule.every, 60_000),
      concurrency,
      ...(this.opts.handoff === false ? {} : { handoff: this.store.dialect === 'sqlite' ? ('exclusive' as const) : ('shared' as const) }),
      plan: planContext,
      delivery: {
        pipeline: name,
        connection,
        connector: targetSpec.connector,
        worker,
        target,
        orientation: orient(pipeline, docs, tenant),
        retry: { attempts: retry.attempts, initialDelayMs: durationMs(retry.initialDelay, 500), maxDelayMs: durationMs(retry.maxDelay, 120_000) },
        deadLetter: spec.target.delivery?.deadLetter ?? true,
        batchSize: batch,
        leaseMs: 60_000,
        tenant,
        ...(this.opts.telemetry ? { telemetry: this.opts.telemetry } : {}),
      },
      ...(this.opts.onProgress ? { onProgress: this.opts.onProgress } : {}),
      onError: (stage, err) => this.opts.onError?.(name, stage, err),
    });
  }

  /** The modification-time column of a local table: the cursor of a pipeline that polls it. */
  private modificationColumn(connector: string, table: string): string | undefined {
    for (const p of this.opts.project.pipelines) {
      const src = p.spec.source;
      if (src.type === 'table' && src.connector === connector && src.table === table) return src.cursor.field;
    }
    return undefined;
  }

  private buildSource(pipeline: PipelineDocument, tenant: string): SourcePort {
    const src = pipeline.spec.source;
    const doc = this.connector(src.connector);
    const pageSize = this.opts.pageSize ?? 1000;
    if (src.type === 'table') {
      const table = doc.spec.tables?.[src.table];
      if (!table) throw new Error(`pipeline ${pipeline.metadata.name}: table ${src.table} is not declared`);
      return tableSource({
        db: this.databases.get(doc.spec.database as string),
        table: src.table,
        spec: table,
        cursorField: src.cursor.field,
        lookbackMs: durationMs(src.cursor.lookback, 0),
        ...(src.cursor.start ? { start: src.cursor.start } : {}),
        ...(pipeline.spec.key && pipeline.spec.key !== table.key && table.columns[pipeline.spec.key] ? { recordKeyColumn: pipeline.spec.key } : {}),
        // A page whose records are matched against the CRM waits on its searches (a few a
        // second): a smaller page commits, and shows progress, within seconds, not minutes.
        pageSize: this.opts.pageSize ?? (searchesCandidates(pipeline.spec.match?.rules ?? []) ? MATCHED_PAGE_SIZE : pageSize),
      });
    }
    if (src.type === 'poll') {
      const operation = src.operation ?? 'list';
      const kind = doc.spec.objects?.[src.object]?.operations[operation]?.kind === 'search' ? 'search' : 'list';
      return connectorSource({
        client: this.client(tenant, src.connector),
        object: src.object,
        operation,
        kind,
        cursorField: src.cursor.field,
        lookbackMs: durationMs(src.cursor.lookback, 0),
        ...(src.cursor.start ? { start: src.cursor.start } : {}),
        pageSize: Math.min(pageSize, 500),
      });
    }
    const object = doc.spec.objects?.[src.object];
    const reads = readOperations(object, src.fetch);
    if (!object || !reads) throw new Error(`pipeline ${pipeline.metadata.name}: object ${src.object} of ${src.connector} has no \`get\` or \`batchRead\` operation to read the records ${src.type === 'webhook' ? 'webhook events' : 'change events'} name`);
    return webhookSource({
      scope: this.store.forTenant(tenant),
      client: this.client(tenant, src.connector),
      ...(src.type === 'webhook'
        ? { connection: src.connector, events: src.events }
        : { connection: changeInbox(src.connector, src.object), events: changeEventTypes(src.object, src.changes ?? DEFAULT_CHANGES) }),
      object: src.object,
      spec: object,
      reads,
      worker: this.worker,
    });
  }

  /** Connections the running webhook pipelines receive from, with resolved secrets, for the HTTP server. */
  webhookConnections(): WebhookConnectionConfig[] {
    return webhookConnections(this.webhookConnectors().map((n) => this.connector(n)), this.opts.tenants ?? ['default']);
  }

  /**
   * The subscriptions syncd registers itself (connectors with `webhooks.subscribe`), one target per
   * tenant, pointing at `publicBaseUrl` + the endpoint's path.
   */
  subscriptionTargets(publicBaseUrl: string): SubscriptionTarget[] {
    const out: SubscriptionTarget[] = [];
    for (const name of this.subscribingConnectors()) {
      const webhooks = this.connector(name).spec.webhooks;
      if (!webhooks?.subscribe) continue;
      for (const tenant of this.opts.tenants ?? ['default']) {
        out.push({ tenant, connection: name, url: publicBaseUrl + webhookPath(tenant, name), spec: webhooks.subscribe, verify: webhooks.verify, client: this.client(tenant, name) });
      }
    }
    return out;
  }

  /** Webhook connectors of the selected pipelines that declare subscriptions syncd registers. */
  subscribingConnectors(): string[] {
    return this.webhookConnectors().filter((n) => this.connector(n).spec.webhooks?.subscribe !== undefined);
  }

  /** Keeps the subscriptions of `subscriptionTargets` registered until `stop()`. */
  keepWebhookSubscriptions(publicBaseUrl: string, handlers: Pick<SubscriptionKeeperOptions, 'onOutcome' | 'onError' | 'everyMs' | 'retryMs' | 'leaseMs'>): { stop(): Promise<void> } {
    return keepSubscriptions({ targets: this.subscriptionTargets(publicBaseUrl), scopeFor: (t) => this.store.forTenant(t), worker: this.worker, ...handlers });
  }

  /** The change streams the selected pipelines read: one per tenant, connector and object. */
  private changeStreamTargets(): ChangeStreamTarget[] {
    const byStream = new Map<string, ChangeStreamTarget & { wanted: Set<string> }>();
    for (const p of this.selected()) {
      const src = p.spec.source;
      if (src.type !== 'changeEvents') continue;
      const doc = this.connector(src.connector);
      const topic = doc.spec.objects?.[src.object]?.changeTopic;
      if (!doc.spec.changeEvents || !topic) throw new Error(`connector ${src.connector} declares no change stream for ${src.object} (changeEvents and objects.${src.object}.changeTopic)`);
      for (const tenant of this.opts.tenants ?? ['default']) {
        if (p.spec.tenants?.[tenant]?.disabled) continue;
        const key = `${tenant}\u0000${src.connector}\u0000${src.object}`;
        let t = byStream.get(key);
        if (!t) {
          const spec = resolveDeep(doc.spec.changeEvents, this.resolveOptions());
          t = { tenant, connector: src.connector, object: src.object, topic, spec, client: this.client(tenant, src.connector), changes: [], wanted: new Set() };
          byStream.set(key, t);
        }
        for (const c of src.changes ?? DEFAULT_CHANGES) t.wanted.add(c);
      }
    }
    return [...byStream.values()].map(({ wanted, ...t }) => ({ ...t, changes: [...wanted] }));
  }

  /** Connectors a selected pipeline receives webhooks from. */
  private webhookConnectors(): string[] {
    return [...new Set(this.selected().flatMap((p) => (p.spec.source.type === 'webhook' ? [p.spec.source.connector] : [])))];
  }

  private selected(): PipelineDocument[] {
    return this.opts.project.pipelines.filter((p) => !this.opts.pipelines || this.opts.pipelines.includes(p.metadata.name));
  }

  start(): void {
    // A daemon's heap stays near what it keeps alive (see heapPolicy.ts).
    keepHeapNearLiveSize();
    for (const r of this.runners) r.start();
    if (this.streamTargets.length) {
      this.changeStreams = followChangeStreams({
        targets: this.streamTargets,
        scopeFor: (t) => this.store.forTenant(t),
        worker: this.worker,
        ...this.opts.changeStreams,
        onNotice: (n) => {
          this.emitChangeStreamNotice(n);
          this.opts.onChangeStream?.(n);
        },
      });
    }
    const retention = this.opts.retention ?? { keepMs: DEFAULT_RETENTION_MS };
    if (retention) {
      const telemetry = this.opts.telemetry;
      this.retention = startRetention(this.store, this.opts.tenants ?? ['default'], this.worker, {
        ...retention,
        onPurged: (tenant, rows) => telemetry?.emit(OutboxPurged, { tenant, rows, keep_ms: retention.keepMs }),
        onInboxPurged: (tenant, events) => telemetry?.emit(InboxPurged, { tenant, events }),
        onError: (tenant, err) => this.opts.onError?.(`retention [${tenant}]`, 'purge', err),
      });
    }
  }

  /** One poll and a full drain of every pipeline (tests, `syncd run --once`); false if any failed. */
  async runOnce(): Promise<boolean> {
    let ok = true;
    for (const r of this.runners) ok = (await r.runOnce()) && ok;
    return ok;
  }

  /**
   * Stops taking new work and drains in-flight pages and batches. After `deadlineMs`, in-flight
   * calls are cancelled; what they carried stays in the outbox (claims expire) and is delivered
   * by the next run.
   */
  async stop(deadlineMs = 20_000): Promise<{ drained: boolean }> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadlineMs)));
    const result = await Promise.race([Promise.all(this.runners.map((r) => r.stop())).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (result === 'timeout') for (const r of this.runners) r.abortNow();
    await this.close();
    return { drained: result === 'done' };
  }

  private emitChangeStreamNotice(n: ChangeStreamNotice): void {
    const telemetry = this.opts.telemetry;
    if (!telemetry) return;
    const base = { tenant: n.target.tenant, connector: n.target.connector, object: n.target.object };
    if (n.kind === 'connected') telemetry.emit(ChangeStreamConnected, { ...base, from: n.from });
    else if (n.kind === 'disconnected') telemetry.emit(ChangeStreamDisconnected, { ...base, error: n.error, retry_in_ms: n.retryInMs });
    else if (n.kind === 'gap') telemetry.emit(ChangeStreamGap, { ...base, reason: n.reason, since: n.since === null ? null : new Date(n.since).toISOString() });
    else if (n.kind === 'received') telemetry.emit(ChangeEventsReceived, { ...base, stored: n.stored, skipped: n.skipped, unlisted: n.unlisted });
    else telemetry.emit(ChangeStreamUnlisted, { ...base, change_type: n.changeType, record_ids: n.recordIds.join(','), at: new Date(n.at).toISOString() });
  }

  async close(): Promise<void> {
    await this.changeStreams?.stop();
    await this.retention?.stop();
    await this.databases.closeAll();
    await this.store.close();
  }
}
