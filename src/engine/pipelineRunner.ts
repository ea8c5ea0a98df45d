/**
 * One pipeline for one tenant, compiled to two RxJS streams:
 * - the source stream polls on its schedule (never two cycles at once: `exhaustMap`), plans each
 *   page and commits outbox rows, audit, reconciliation items and the cursor in one transaction,
 *   so the cursor only ever covers records that are durably in the outbox;
 * - the delivery stream wakes when rows are committed (or on a short idle tick, for retries that
 *   come due) and drains the outbox through the target with bounded concurrency.
 * `stop()` stops taking new work, lets the in-flight page and batches finish, then resolves.
 */
import { EMPTY, Subject, catchError, defer, exhaustMap, from, interval, lastValueFrom, merge, mergeMap, startWith, takeUntil, timer, toArray } from 'rxjs';
import type { Store } from '../state/store.js';
import type { Scope } from '../state/scope.js';
import { commitCursor, getCursor, type CursorKey } from '../state/cursors.js';
import { clearSourceFailure, recordSourceFailure } from '../state/sourceFailures.js';
import { enqueueOutbox, type OutboxWrite, type SupersededWrite } from '../state/outbox/enqueue.js';
import { releaseClaimed } from '../state/outbox/outcomes.js';
import { pauseForAuth } from '../state/outbox/authPause.js';
import { getConnection } from '../state/connections.js';
import type { OutboxRow } from '../state/outbox/rows.js';
import { appendAudit, latestMergeDecisions, type AuditInput } from '../state/audit.js';
import { canonicalJson } from './contentVersion.js';
import { openReconciliationItem, type ReconciliationItem } from '../state/reconciliation.js';
import { markDecisionsApplied, proposeMatch, unappliedDecisions } from '../state/reviewQueue.js';
import { saveFieldBases } from '../state/fieldBases.js';
import { clearReferenceWaits, resolvedReferenceWaits, saveReferenceWaits, summarizeReferenceWaits } from '../state/referenceWaits.js';
import { acquireLease, releaseLease } from '../state/leases.js';
import { planPage, type PagePlan, type PlanContext, type PlanLookups } from './planner.js';
import { storeLookups } from './planLookups.js';
import { deletedRecordItems } from './deletedRecords.js';
import { deliverOnce, type DeliveryContext, type SettledSummary } from './delivery.js';
import { Handoff } from './handoff.js';
import { emitConflicts, emitPageRead } from './pipelineTelemetry.js';
import type { SourcePort } from './ports.js';

/** Records planned again per page after review decisions, or once their references are linked. */
const REPLANNED_PER_PAGE = 500;

export interface RunnerProgress {
  pipeline: string;
  tenant: string;
  read: number;
  planned: number;
  filtered: number;
  skipped: number;
  unchanged: number;
  failed: number;
  /** Records held back for a match review (a record read again while it waits counts once). */
  awaitingReview: number;
  /**
   * Records of the pipeline waiting until a record they reference is linked: counted from the
   * store at each poll, then kept up to date as this runner's pages set records aside or write them.
   */
  awaitingReference: number;
  written: number;
  retried: number;
  deadLettered: number;
  rejected: number;
  pausedForAuth: number;
}

export interface RunnerOptions {
  store: Store;
  tenant: string;
  source: SourcePort;
  /** Cursor identity: which source of the pipeline. */
  sourceName: string;
  /** The source's connector, as telemetry labels it. */
  sourceConnector: string;
  scheduleMs: number;
  plan: PlanContext;
  /** The delivery context; `batchSize` is rows per write call. */
  delivery: Omit<DeliveryContext, 'onSettled' | 'claimLimit' | 'requestsInFlight'> & { batchSize: number };
  /** Parallel delivery loops. Default: 4. */
  concurrency: number;
  /** How long a source lease lasts; another worker takes the source over when it expires. */
  leaseMs?: number;
  /**
   * Hand each page's writes straight to this runner's delivery, committed already claimed (see
   * `Handoff`), as many as it holds. `exclusive`, for a store only this process delivers from
   * (SQLite): the source waits while the hand-off is full, since reading on would only queue
   * writes to be claimed back. `shared`, for workers sharing PostgreSQL: the source reads on, and
   * the writes that do not fit wait in the outbox, where every worker's delivery takes a share.
   */
  handoff?: 'exclusive' | 'shared';
  onProgress?: (p: RunnerProgress) => void;
  onError?: (stage: 'source' | 'delivery', err: unknown) => void;
}

export class PipelineRunner {
  readonly progress: RunnerProgress;
  private readonly stop$ = new Subject<void>();
  private readonly wake$ = new Subject<void>();
  /** Cancels source reads at once on stop: nothing read is committed yet, so nothing is lost. */
  private readonly sourceAbort = new AbortController();
  /** Cancels deliveries only when the drain deadline passes. */
  private readonly abort = new AbortController();
  private done?: Promise<void>;
  private stopping = false;
  /** Whether the last poll failed; unknown until this process polls (a failure may be stored). */
  private sourceFailing: boolean | undefined;
  private readonly scope: Scope;
  private readonly handoff?: Handoff;
  /** Set by `start()`: delivery runs beside the source, which may then wait for it. */
  private delivering = false;
  /** Set when a round parked its rows for a reconnect: the handed rows are parked too. */
  private authPaused = false;

  constructor(private readonly opts: RunnerOptions) {
    this.scope = opts.store.forTenant(opts.tenant);
    // Four rounds of every delivery loop: enough to keep the calls busy while the source plans a
    // page, few enough to be sent long before their claims run out, even under a rate limit.
    if (opts.handoff) this.handoff = new Handoff(4 * opts.delivery.batchSize * Math.max(1, opts.concurrency), (opts.delivery.leaseMs * 2) / 3);
    this.progress = { pipeline: opts.plan.pipeline, tenant: opts.tenant, read: 0, planned: 0, filtered: 0, skipped: 0, unchanged: 0, failed: 0, awaitingReview: 0, awaitingReference: 0, written: 0, retried: 0, deadLettered: 0, rejected: 0, pausedForAuth: 0 };
  }

  start(): void {
    const o = this.opts;
    this.delivering = true;
    const source$ = timer(0, o.scheduleMs).pipe(
      takeUntil(this.stop$),
      exhaustMap(() =>
        defer(() => this.pollCycle()).pipe(
          catchError((err) => {
            // A read cancelled by stop() is not a failure: its page was never committed.
            if (!this.stopping) o.onError?.('source', err);
            return EMPTY;
          }),
        ),
      ),
    );
    const deliveryLoop = (inFlight: number) =>
      defer(() => this.drain(inFlight)).pipe(
        catchError((err) => {
          o.onError?.('delivery', err);
          return EMPTY;
        }),
      );
    const delivery$ = merge(this.wake$, interval(250)).pipe(
      startWith(undefined),
      takeUntil(this.stop$),
      exhaustMap(() => from(this.deliveryLoops()).pipe(mergeMap((inFlight) => deliveryLoop(inFlight)), toArray())),
    );
    this.done = lastValueFrom(merge(source$, delivery$), { defaultValue: undefined }).then(() => undefined);
  }

  /** Reads every page the source has now; each page is committed before the next is read. */
  async pollCycle(): Promise<void> {
    const o = this.opts;
    const leaseName = `source:${o.plan.pipeline}:${o.sourceName}`;
    const holder = o.delivery.worker;
    const lease = await acquireLease(this.scope, leaseName, holder, o.leaseMs ?? 60_000);
    if (!lease.acquired) return;
    const key = { pipeline: o.plan.pipeline, source: o.sourceName };
    try {
      await this.readPages(key);
      // Known to be clear after the first successful poll: no write per poll from then on.
      if (this.sourceFailing !== false) await clearSourceFailure(this.scope, key);
      this.sourceFailing = false;
    } catch (err) {
      // A read cancelled by stop() is not a failure: its page was never committed.
      if (!this.stopping) {
        this.sourceFailing = true;
        await recordSourceFailure(this.scope, key, err instanceof Error ? err.message : String(err)).catch(() => undefined);
      }
      throw err;
    } finally {
      await releaseLease(this.scope, leaseName, holder).catch(() => undefined);
    }
  }

  /** Applies review decisions, then reads and commits every page the source has from its cursor. */
  private async readPages(key: CursorKey): Promise<void> {
    const o = this.opts;
    await this.applyReviewDecisions();
    await this.applyLinkedReferences();
    const cursor = (await getCursor(this.scope, key))?.value;
    for await (const page of o.source.pages(cursor, this.sourceAbort.signal)) {
      if (this.stopping) break;
      const lookups = this.lookups();
      const plan = await planPage(o.plan, page.records, lookups, this.sourceAbort.signal);
      if (page.gone) plan.reconciliation.push(...(await deletedRecordItems(o.plan, page.gone, lookups)));
      this.count(plan, await this.commit(plan, { key, value: page.cursor }, page.commit));
      this.wake$.next();
      if (this.stopping) break;
      // With a store of its own, reading on while the writes handed over wait would only queue
      // them in the outbox to be claimed back: the source waits until the next page's writes fit
      // (or half the hand-off is free, so that calls stay in flight while it plans).
      if (this.handoff && this.delivering && this.opts.handoff === 'exclusive') await this.handoff.whenRoom(Math.min(plan.writes.length, this.handoff.capacity / 2));
      if (this.stopping) break;
      // With a synchronous driver (better-sqlite3) a page is all promise continuations: without
      // this yield, a backfill of many pages never lets the event loop handle I/O, so delivery
      // responses, webhooks and health checks wait until the whole cycle ends, and claims expire.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * What the next poll would do, without doing it: reads pages from the committed cursor and plans
   * them (reading the target where the merge needs it) but commits nothing and writes nothing.
   */
  async preview(maxRecords: number): Promise<PagePlan[]> {
    const o = this.opts;
    const cursor = (await getCursor(this.scope, { pipeline: o.plan.pipeline, source: o.sourceName }))?.value;
    const plans: PagePlan[] = [];
    let seen = 0;
    for await (const page of o.source.pages(cursor, this.sourceAbort.signal)) {
      const records = page.records.slice(0, maxRecords - seen);
      plans.push(await planPage(o.plan, records, this.lookups(), this.sourceAbort.signal));
      seen += records.length;
      if (seen >= maxRecords) break;
    }
    return plans;
  }

  private lookups(): PlanLookups {
    return storeLookups(this.scope, this.opts.plan);
  }

  /**
   * Plans again the records whose match an operator approved or rejected since they were last
   * planned, so a decision takes effect without waiting for the record to change: an approved
   * pair is linked and its record written to the CRM record, a rejected one's record is matched
   * afresh (or created). Sources that can read records by key do this (tables, by the pipeline's
   * `key` column); the cursor stays. A key a transform computes cannot be read back: such a
   * decision takes effect when its record next changes.
   */
  private async applyReviewDecisions(): Promise<void> {
    const o = this.opts;
    if (!o.source.records || !o.plan.orientation.sourceIsLocal) return;
    while (!this.stopping) {
      const decisions = await unappliedDecisions(this.scope, o.plan.pipeline, REPLANNED_PER_PAGE);
      if (decisions.length === 0) return;
      const records = await o.source.records([...new Set(decisions.map((d) => d.localKey))], this.sourceAbort.signal);
      const plan = await planPage(o.plan, records, this.lookups(), this.sourceAbort.signal);
      this.count(plan, await this.commit(plan, undefined, (tx) => markDecisionsApplied(tx, decisions)));
      this.wake$.next();
      if (decisions.length < REPLANNED_PER_PAGE) return;
    }
  }

  /**
   * Plans again the records that wait for a referenced record which has been linked since (a
   * signal whose company the companies pipeline has now written), from their current rows. As
   * for review decisions, only sources that read records by key can; the cursor stays.
   */
  private async applyLinkedReferences(): Promise<void> {
    const o = this.opts;
    if (!o.source.records || !o.plan.plan.fields.some((f) => f.reference)) return;
    const seen = new Set<string>();
    while (!this.stopping) {
      // A record whose row changed to name another record that is not linked waits again and is
      // not returned; one seen twice in a pass would be planned in a loop, so the pass ends.
      const keys = (await resolvedReferenceWaits(this.scope, o.plan.pipeline, REPLANNED_PER_PAGE)).filter((k) => !seen.has(k));
      if (keys.length === 0) break;
      for (const k of keys) seen.add(k);
      const records = await o.source.records(keys, this.sourceAbort.signal);
      const plan = await planPage(o.plan, records, this.lookups(), this.sourceAbort.signal);
      // A record gone from its table, or filtered out now, waits no longer either.
      const waitingAgain = new Set(plan.waits.map((w) => w.recordKey));
      plan.referencesFound = keys.filter((k) => !waitingAgain.has(k));
      this.count(plan, await this.commit(plan, undefined));
      this.wake$.next();
      if (keys.length < REPLANNED_PER_PAGE) break;
    }
    // Counted from the store once a poll: records that waited before this process started, or
    // that another worker wrote, are counted as they are.
    this.progress.awaitingReference = (await summarizeReferenceWaits(this.scope, { pipeline: o.plan.pipeline })).reduce((n, w) => n + w.records, 0);
  }

  /**
   * Commits a page. Returns how many writes were new (a re-read record's write is already queued)
   * and how many records' match reviews were opened (a re-read record may already be waiting).
   */
  private async commit(plan: PagePlan, cursor: { key: { pipeline: string; source: string }; value: unknown } | undefined, extra?: (tx: Scope) => Promise<void>): Promise<Committed> {
    const committed = await this.scope.transaction(async (tx) => {
      // The plan's entries are stamped before its writes are queued (each queued row is its
      // write's intent), so a record's matches and merge decisions come first on its trail.
      const plannedAt = tx.now();
      if (extra) await extra(tx);
      const writes = this.handoff ? await this.claimForHandoff(tx, plan.writes) : plan.writes;
      const { inserted, superseded, unclaimed } = await enqueueOutbox(tx, writes);
      // A match is linked with its page, so a later page sees the CRM record as taken.
      for (const proposal of plan.autoLinks) await proposeMatch(tx, proposal);
      const opened = new Set<string>();
      for (const proposal of plan.reviews) if ((await proposeMatch(tx, proposal)).opened) opened.add(proposal.local.key);
      // A re-read record makes the merge decisions it made before, or finds its review already
      // waiting: each is on the trail once (as is the write already queued, whose row is its intent).
      const decided = await this.repeatedDecisions(tx, plan.audit);
      const once = (e: AuditInput): boolean => {
        if (e.action === 'merge.decision') return !decided.has(e);
        return e.action !== 'match.review' || opened.has(e.recordKey as string);
      };
      const audit = [...plan.audit.filter(once).map((e) => (e.at === undefined ? { ...e, at: plannedAt } : e)), ...superseded.map(supersededAudit)];
      if (audit.length) await appendAudit(tx, audit);
      const conflicts: ReconciliationItem[] = [];
      for (const item of plan.reconciliation) {
        const { item: opened, isNew } = await openReconciliationItem(tx, item);
        if (isNew) conflicts.push(opened);
      }
      if (plan.bases.length) await saveFieldBases(tx, plan.bases);
      const waitsEnded = plan.referencesFound.length ? await clearReferenceWaits(tx, this.opts.plan.pipeline, plan.referencesFound) : 0;
      const waitsBegun = await saveReferenceWaits(tx, plan.waits);
      if (cursor) await commitCursor(tx, cursor.key, cursor.value);
      return { queued: inserted.length, reviewsOpened: opened.size, referenceWaits: waitsBegun - waitsEnded, conflicts, handed: this.handoff ? handedRows(tx, writes, inserted, unclaimed) : [] };
    });
    // Handed over only once committed: a page that rolled back left no claimed rows.
    if (committed.handed.length) this.handoff?.put(committed.handed);
    return committed;
  }

  /**
   * The page's merge decisions that repeat the last decision on the trail for their record and
   * field, with the same inputs (a record read again by a lookback window, unchanged).
   */
  private async repeatedDecisions(tx: Scope, audit: readonly AuditInput[]): Promise<Set<AuditInput>> {
    const decisions = audit.filter((e) => e.action === 'merge.decision');
    const out = new Set<AuditInput>();
    if (decisions.length === 0) return out;
    const last = await latestMergeDecisions(tx, this.opts.plan.pipeline, decisions.map((e) => e.recordKey as string));
    const same = (a: { before?: unknown; after?: unknown; decision?: unknown }) => canonicalJson([a.before ?? null, a.after ?? null, a.decision ?? null]);
    for (const e of decisions) {
      const previous = last.get(e.recordKey as string)?.get(String((e.decision as { field?: unknown } | undefined)?.field));
      if (previous && same(previous) === same(e)) out.add(e);
    }
    return out;
  }

  /**
   * The page's writes, those that may go straight to this runner's delivery marked to be inserted
   * claimed: as many as the hand-off has room for, while the connection is not paused, and only
   * one write per record (the outbox leaves a write waiting, in order, when its record has
   * another in flight).
   */
  private async claimForHandoff(tx: Scope, writes: readonly OutboxWrite[]): Promise<readonly OutboxWrite[]> {
    const handoff = this.handoff as Handoff;
    const room = this.stopping ? 0 : handoff.room();
    if (room === 0 || writes.length === 0) return writes;
    if ((await getConnection(tx, this.opts.delivery.connection))?.status === 'needs_reconnect') return writes;
    const seen = new Map<string, number>();
    for (const w of writes) seen.set(w.recordKey, (seen.get(w.recordKey) ?? 0) + 1);
    const now = tx.now();
    const claim = { worker: this.opts.delivery.worker, until: now + this.opts.delivery.leaseMs };
    let handed = 0;
    return writes.map((w) => {
      // Two writes of one record in a page: the outbox orders them.
      if (handed >= room || seen.get(w.recordKey) !== 1 || (w.notBefore ?? now) > now) return w;
      handed++;
      return { ...w, claim };
    });
  }

  private count(plan: PagePlan, { queued, reviewsOpened, referenceWaits, conflicts }: Committed): void {
    const telemetry = this.opts.delivery.telemetry;
    if (telemetry) {
      emitPageRead(telemetry, { tenant: this.opts.tenant, pipeline: this.opts.plan.pipeline, connector: this.opts.sourceConnector }, plan);
      emitConflicts(telemetry, this.opts.tenant, conflicts);
    }
    const p = this.progress;
    p.read += plan.counts.read;
    p.planned += queued;
    p.unchanged += plan.counts.planned - queued;
    p.filtered += plan.counts.filtered;
    p.skipped += plan.counts.skipped;
    p.unchanged += plan.counts.unchanged;
    p.failed += plan.counts.failed;
    p.awaitingReview += reviewsOpened;
    p.awaitingReference += referenceWaits;
    this.opts.onProgress?.(p);
  }

  /**
   * Calls in flight per delivery loop. Two loops share `concurrency`, so one loop settles its
   * round while the other's calls are out; each round claims as many rows as its calls carry.
   */
  private deliveryLoops(): number[] {
    const c = Math.max(1, this.opts.concurrency);
    return c === 1 ? [1] : [Math.ceil(c / 2), Math.floor(c / 2)];
  }

  private async drain(inFlight: number): Promise<void> {
    const d = this.opts.delivery;
    const ctx: DeliveryContext = { ...d, claimLimit: d.batchSize * inFlight, requestsInFlight: inFlight, onSettled: (s) => this.settled(s), ...(this.handoff ? { handoff: this.handoff } : {}) };
    // Once stopping, the round in flight is finished and nothing new is claimed: a backlog
    // waits in the outbox for the next start instead of holding the shutdown past its deadline.
    while (!this.abort.signal.aborted && !this.stopping) {
      const n = await deliverOnce(this.scope, ctx, this.abort.signal);
      if (this.authPaused) await this.parkHanded();
      if (n === 0) return;
    }
  }

  /** The connection needs a reconnect: the writes handed over wait with the rest, unsent (no attempt counted). */
  private async parkHanded(): Promise<void> {
    this.authPaused = false;
    const rows = this.handoff?.takeAll() ?? [];
    if (rows.length === 0) return;
    await this.scope.transaction(async (tx) => {
      await releaseClaimed(tx, rows.map((r) => r.id), this.opts.delivery.worker);
      await pauseForAuth(tx, this.opts.delivery.connection);
    });
  }

  /** Writes still handed over when the runner stops go back to the outbox, unsent and due. */
  private async releaseHanded(): Promise<void> {
    const rows = this.handoff?.takeAll() ?? [];
    if (rows.length) await releaseClaimed(this.scope, rows.map((r) => r.id), this.opts.delivery.worker);
  }

  private settled(s: SettledSummary): void {
    const p = this.progress;
    p.written += s.ok;
    p.retried += s.retried;
    p.deadLettered += s.deadLettered;
    p.rejected += s.failed;
    p.pausedForAuth += s.pausedForAuth;
    if (s.pausedForAuth > 0 && this.handoff?.size) this.authPaused = true;
    this.opts.onProgress?.(p);
  }

  /**
   * Runs one poll cycle and drains the outbox until nothing is due (for `syncd run --once`, tests).
   * Failures go to `onError`, as in the daemon; returns whether both stages ran without one.
   */
  async runOnce(): Promise<boolean> {
    let ok = true;
    try {
      await this.pollCycle();
    } catch (err) {
      ok = false;
      this.opts.onError?.('source', err);
    }
    const loops = this.deliveryLoops().map((inFlight) =>
      this.drain(inFlight).catch((err) => {
        ok = false;
        this.opts.onError?.('delivery', err);
      }),
    );
    await Promise.all(loops);
    await this.releaseHanded().catch((err) => {
      ok = false;
      this.opts.onError?.('delivery', err);
    });
    return ok;
  }

  /** Stops taking new work; in-flight pages and batches finish; resolves when all is settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sourceAbort.abort();
    this.stop$.next();
    this.stop$.complete();
    this.handoff?.release();
    await this.done;
    await this.releaseHanded().catch((err) => this.opts.onError?.('delivery', err));
  }

  /** Cancels in-flight HTTP calls too (after a drain deadline passed). */
  abortNow(): void {
    this.abort.abort();
  }
}

interface Committed {
  queued: number;
  reviewsOpened: number;
  /** Records that began waiting for a reference, less those that stopped. */
  referenceWaits: number;
  /** Reconciliation items the page opened (not those it found open). */
  conflicts: ReconciliationItem[];
  /** The rows inserted claimed for this runner's delivery. */
  handed: OutboxRow[];
}

/** The rows of the writes that were inserted claimed, as a claim would have returned them. */
function handedRows(tx: Scope, writes: readonly OutboxWrite[], inserted: ReadonlyArray<{ id: number; idempotencyKey: string }>, unclaimed: readonly string[]): OutboxRow[] {
  const ids = new Map(inserted.map((i) => [i.idempotencyKey, i.id]));
  for (const key of unclaimed) ids.delete(key);
  const now = tx.now();
  const out: OutboxRow[] = [];
  for (const w of writes) {
    const id = ids.get(w.idempotencyKey);
    if (!w.claim || id === undefined) continue;
    out.push({
      id,
      idempotencyKey: w.idempotencyKey,
      pipeline: w.pipeline,
      connection: w.connection,
      operation: w.operation,
      object: w.object ?? null,
      recordKey: w.recordKey,
      payload: w.payload,
      contentVersion: w.contentVersion,
      correlationId: w.correlationId ?? null,
      status: 'in_flight',
      attempts: 1,
      nextAttemptAt: w.claim.until,
      claimedBy: w.claim.worker,
      claimedUntil: w.claim.until,
      lastErrorClass: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
  }
  return out;
}

/** The outcome of a write that was never sent: a newer write of its record replaced it. */
function supersededAudit(w: SupersededWrite): AuditInput {
  return {
    actor: `pipeline:${w.pipeline}`,
    action: 'write.superseded',
    pipeline: w.pipeline,
    recordKey: w.recordKey,
    connection: w.connection,
    idempotencyKey: w.idempotencyKey,
    ...(w.correlationId ? { correlationId: w.correlationId } : {}),
    decision: { supersededBy: w.supersededBy },
  };
}
