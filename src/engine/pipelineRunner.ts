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
import { enqueueOutbox, type SupersededWrite } from '../state/outbox/enqueue.js';
import { appendAudit, type AuditInput } from '../state/audit.js';
import { openReconciliationItem } from '../state/reconciliation.js';
import { markDecisionsApplied, proposeMatch, unappliedDecisions } from '../state/reviewQueue.js';
import { saveFieldBases } from '../state/fieldBases.js';
import { acquireLease, releaseLease } from '../state/leases.js';
import { planPage, type PagePlan, type PlanContext, type PlanLookups } from './planner.js';
import { storeLookups } from './planLookups.js';
import { deliverOnce, type DeliveryContext, type SettledSummary } from './delivery.js';
import type { SourcePort } from './ports.js';

/** Records planned again per page after review decisions. */
const DECISIONS_PER_PAGE = 500;

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
  scheduleMs: number;
  plan: PlanContext;
  /** The delivery context; `batchSize` is rows per write call. */
  delivery: Omit<DeliveryContext, 'onSettled' | 'claimLimit' | 'requestsInFlight'> & { batchSize: number };
  /** Parallel delivery loops. Default: 4. */
  concurrency: number;
  /** How long a source lease lasts; another worker takes the source over when it expires. */
  leaseMs?: number;
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

  constructor(private readonly opts: RunnerOptions) {
    this.scope = opts.store.forTenant(opts.tenant);
    this.progress = { pipeline: opts.plan.pipeline, tenant: opts.tenant, read: 0, planned: 0, filtered: 0, skipped: 0, unchanged: 0, failed: 0, awaitingReview: 0, written: 0, retried: 0, deadLettered: 0, rejected: 0, pausedForAuth: 0 };
  }

  start(): void {
    const o = this.opts;
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
    const cursor = (await getCursor(this.scope, key))?.value;
    for await (const page of o.source.pages(cursor, this.sourceAbort.signal)) {
      if (this.stopping) break;
      const plan = await planPage(o.plan, page.records, this.lookups(), this.sourceAbort.signal);
      this.count(plan, await this.commit(plan, { key, value: page.cursor }, page.commit));
      this.wake$.next();
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
   * afresh (or created). Sources that can read records by key do this (tables); the cursor stays.
   */
  private async applyReviewDecisions(): Promise<void> {
    const o = this.opts;
    if (!o.source.records || !o.plan.orientation.sourceIsLocal) return;
    while (!this.stopping) {
      const decisions = await unappliedDecisions(this.scope, o.plan.pipeline, DECISIONS_PER_PAGE);
      if (decisions.length === 0) return;
      const records = await o.source.records([...new Set(decisions.map((d) => d.localKey))], this.sourceAbort.signal);
      const plan = await planPage(o.plan, records, this.lookups(), this.sourceAbort.signal);
      this.count(plan, await this.commit(plan, undefined, (tx) => markDecisionsApplied(tx, decisions)));
      this.wake$.next();
      if (decisions.length < DECISIONS_PER_PAGE) return;
    }
  }

  /**
   * Commits a page. Returns how many writes were new (a re-read record's write is already queued)
   * and how many records' match reviews were opened (a re-read record may already be waiting).
   */
  private async commit(plan: PagePlan, cursor: { key: { pipeline: string; source: string }; value: unknown } | undefined, extra?: (tx: Scope) => Promise<void>): Promise<Committed> {
    return this.scope.transaction(async (tx) => {
      if (extra) await extra(tx);
      const { inserted, duplicates, superseded } = await enqueueOutbox(tx, plan.writes);
      // A match is linked with its page, so a later page sees the CRM record as taken.
      for (const proposal of plan.autoLinks) await proposeMatch(tx, proposal);
      const opened = new Set<string>();
      for (const proposal of plan.reviews) if ((await proposeMatch(tx, proposal)).opened) opened.add(proposal.local.key);
      // A re-read record plans the write already queued (with the merge decisions behind it), or
      // the review already waiting: each is on the trail once.
      const repeated = new Set(duplicates);
      const requeued = new Set(repeated.size ? plan.writes.filter((w) => repeated.has(w.idempotencyKey)).map((w) => w.recordKey) : []);
      const once = (e: AuditInput): boolean => {
        if (e.action === 'write.intent') return !repeated.has(e.idempotencyKey as string);
        if (e.action === 'merge.decision') return !requeued.has(e.recordKey as string);
        return e.action !== 'match.review' || opened.has(e.recordKey as string);
      };
      const audit = [...plan.audit.filter(once), ...superseded.map(supersededAudit)];
      if (audit.length) await appendAudit(tx, audit);
      for (const item of plan.reconciliation) await openReconciliationItem(tx, item);
      if (plan.bases.length) await saveFieldBases(tx, plan.bases);
      if (cursor) await commitCursor(tx, cursor.key, cursor.value);
      return { queued: inserted.length, reviewsOpened: opened.size };
    });
  }

  private count(plan: PagePlan, { queued, reviewsOpened }: Committed): void {
    const p = this.progress;
    p.read += plan.counts.read;
    p.planned += queued;
    p.unchanged += plan.counts.planned - queued;
    p.filtered += plan.counts.filtered;
    p.skipped += plan.counts.skipped;
    p.unchanged += plan.counts.unchanged;
    p.failed += plan.counts.failed;
    p.awaitingReview += reviewsOpened;
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
    const ctx: DeliveryContext = { ...d, claimLimit: d.batchSize * inFlight, requestsInFlight: inFlight, onSettled: (s) => this.settled(s) };
    // Once stopping, the round in flight is finished and nothing new is claimed: a backlog
    // waits in the outbox for the next start instead of holding the shutdown past its deadline.
    while (!this.abort.signal.aborted && !this.stopping) {
      const n = await deliverOnce(this.scope, ctx, this.abort.signal);
      if (n === 0) return;
    }
  }

  private settled(s: SettledSummary): void {
    const p = this.progress;
    p.written += s.ok;
    p.retried += s.retried;
    p.deadLettered += s.deadLettered;
    p.rejected += s.failed;
    p.pausedForAuth += s.pausedForAuth;
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
    return ok;
  }

  /** Stops taking new work; in-flight pages and batches finish; resolves when all is settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sourceAbort.abort();
    this.stop$.next();
    this.stop$.complete();
    await this.done;
  }

  /** Cancels in-flight HTTP calls too (after a drain deadline passed). */
  abortNow(): void {
    this.abort.abort();
  }
}

interface Committed {
  queued: number;
  reviewsOpened: number;
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
