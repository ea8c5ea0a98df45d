/**
 * Turns a page of source records into durable intents: for each record, run the transforms, find
 * its link (or match it), merge every field by its owner against the stored base and the target's
 * current value, and produce the outbox write, audit entries, reconciliation items and bases. It
 * writes nothing itself; the runner commits all of it with the cursor in one transaction.
 */
import type { MatcherSpec } from '../spec/types.js';
import type { FieldRule } from '../merge/types.js';
import { mergeRecord, type RecordMerge } from '../merge/threeWayMerge.js';
import type { OutboxWrite } from '../state/outbox/enqueue.js';
import { deriveIdempotencyKey } from '../state/outbox/idempotencyKey.js';
import type { AuditInput } from '../state/audit.js';
import type { OpenItem } from '../state/reconciliation.js';
import type { FieldBaseInput } from '../state/fieldBases.js';
import type { Link } from '../state/links.js';
import type { MatchProposal } from '../state/reviewQueue.js';
import type { TransformChain } from '../transforms/steps.js';
import type { CompiledExpression } from '../transforms/expression.js';
import { currentOf } from './currentValues.js';
import { readPath, type FieldPlan, type FieldReference, type PlannedField } from './fieldPlan.js';
import type { ReferenceWait } from '../state/referenceWaits.js';
import type { Orientation } from './orientation.js';
import type { SourceRecord, TargetPort, TargetSnapshot } from './ports.js';
import { contentVersion } from './contentVersion.js';
import { matchUnlinked, type PageMatch } from './candidates.js';
import { searchesCandidates } from '../spec/matching.js';
import { strategyThresholds, type MatchStrategy } from '../identity/index.js';
import { randomUUID } from 'node:crypto';

type KeyedMatcher = MatcherSpec & { field: string; property: string };

/** What the delivery worker needs to perform and settle one write; stored as the outbox payload. */
export interface WritePayload {
  /** Target property → value. */
  values: Record<string, unknown>;
  /** The target record's id when the pair is linked (a local key for table targets). */
  targetId?: string;
  link: { localKey: string; remoteId?: string; strategy: string; score: number; linkId?: number };
  /** Canonical field → agreed value, saved once the write succeeds. */
  base: Record<string, unknown>;
  /**
   * What the write's `write.intent` entry on the audit trail says beyond the row: the base it
   * starts from, how it was decided, and (once a carry-forward changed `values`) the values as
   * planned. Absent on writes queued by versions whose intents were audit rows of their own.
   */
  intent?: { before: Record<string, unknown> | null; decision: { operation: string; strategy: string }; after?: Record<string, unknown> };
  /**
   * The target record's values of the properties the operation `reads`, as read now: a vendor that
   * replaces a whole list on a write is sent the entries this write does not change.
   */
  current?: Record<string, unknown>;
}

export interface PlanContext {
  pipeline: string;
  tenant: string;
  connection: string;
  plan: FieldPlan;
  rules: FieldRule[];
  orientation: Orientation;
  target: TargetPort;
  operation: string;
  updateOperation?: string;
  onNoMatch: 'create' | 'skip';
  matchRules: MatcherSpec[];
  transforms: TransformChain;
  correlationId?: CompiledExpression;
  /** Source field that identifies a record. */
  keyField: string;
  /**
   * CRM → local table: the field that writes the table's key column. A record without a link or
   * an external id becomes the row its value names, not a row keyed by its CRM id.
   */
  localKeyField?: PlannedField;
  /**
   * Read the target's current values (and modification times) of linked records before merging,
   * so each field is decided on its three real inputs: a CRM edit a `local_wins` write is about to
   * overwrite is recorded as drift, an `immutable_after_bind` value changed on the target holds the
   * record, `newest` compares both sides' times. Without it the target is taken to be where the
   * last agreement left it, and no field's base is moved by what this pipeline could not see.
   */
  readTarget: boolean;
}

/** Lookups the planner needs from the store, batched per page. */
export interface PlanLookups {
  linksBySourceKey(keys: string[]): Promise<Map<string, Link>>;
  bases(linkIds: number[]): Promise<Map<number, Map<string, { value: unknown }>>>;
  /** Payloads of these records' writes in flight, by record key. */
  inFlight(recordKeys: string[]): Promise<Map<string, unknown>>;
  /** Remote ids an operator rejected as matches, by local key. */
  rejectedMatches(localKeys: string[]): Promise<Map<string, Set<string>>>;
  /** Links of these CRM records to the pipeline's local object, by remote id. */
  linksByRemoteIds(remoteIds: string[]): Promise<Map<string, Link>>;
  /** Links of these rows of the pipeline's local object to the CRM object, by local key. */
  linksByLocalKeys(localKeys: string[]): Promise<Map<string, Link>>;
  /** CRM ids of the referenced records that are linked, by their local key. */
  referencedIds(reference: FieldReference, localKeys: string[]): Promise<Map<string, string>>;
}

export interface PagePlan {
  writes: OutboxWrite[];
  audit: AuditInput[];
  reconciliation: OpenItem[];
  /** Bases agreed without a write (both sides already equal). */
  bases: FieldBaseInput[];
  /** Matches waiting for an operator; their records are not written until one is approved. */
  reviews: MatchProposal[];
  /** Matches made now, linked with the page and listed for review as `auto_linked`. */
  autoLinks: MatchProposal[];
  /** Records not planned because a record they reference has no link yet. */
  waits: ReferenceWait[];
  /** Source keys of records that wait for a reference no longer (planned with every reference found). */
  referencesFound: string[];
  counts: { read: number; filtered: number; skipped: number; unchanged: number; planned: number; failed: number; review: number; waiting: number };
}

interface Prepared {
  record: SourceRecord;
  transformed: Record<string, unknown>;
  sourceKey: string;
  correlationId: string;
}

function emptyPlan(): PagePlan {
  return {
    writes: [],
    audit: [],
    reconciliation: [],
    bases: [],
    reviews: [],
    autoLinks: [],
    waits: [],
    referencesFound: [],
    counts: { read: 0, filtered: 0, skipped: 0, unchanged: 0, planned: 0, failed: 0, review: 0, waiting: 0 },
  };
}

/**
 * The target's current values, keyed by canonical field. A property the answer does not carry at
 * all (a CRM returns only the properties a read asks for) was not seen: it stands at its base,
 * rather than reading as a value the CRM cleared.
 */
function canonicalFromTarget(ctx: PlanContext, current: TargetSnapshot | undefined, base: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!current) return undefined;
  const out: Record<string, unknown> = {};
  for (const f of ctx.plan.fields) {
    if (Object.hasOwn(current.fields, f.to)) out[f.name] = current.fields[f.to];
    else if (base && Object.hasOwn(base, f.name)) out[f.name] = base[f.name];
  }
  return out;
}

/**
 * The base to store for a record once this pipeline's write (if any) has succeeded. A field's
 * base may only move to the merge's new base when both sides will then really hold that value:
 * this pipeline writes it, or the pipeline saw the target's live value and nothing is left to
 * write. A decided write in the other direction (a CRM value to apply locally, seen by the
 * local → CRM pipeline) is the reverse pipeline's to perform: the field keeps its old base, so
 * that pipeline still sees the difference instead of taking the unwritten value as agreed.
 */
function agreedBase(merge: RecordMerge, base: Record<string, unknown> | undefined, own: Readonly<Record<string, unknown>>, other: Readonly<Record<string, unknown>>, sawTarget: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...merge.newBase };
  for (const d of merge.fields) {
    if (Object.hasOwn(own, d.field)) continue;
    if (sawTarget && !Object.hasOwn(other, d.field)) continue;
    if (base && Object.hasOwn(base, d.field)) out[d.field] = base[d.field];
    else delete out[d.field];
  }
  return out;
}

export async function planPage(ctx: PlanContext, records: SourceRecord[], lookups: PlanLookups, signal: AbortSignal): Promise<PagePlan> {
  const out = emptyPlan();
  out.counts.read = records.length;
  const bindings = { tenant: ctx.tenant, pipeline: ctx.pipeline };

  // 1. Transforms. A failing record becomes a mapping reconciliation item; the page goes on.
  const prepared: Prepared[] = [];
  for (const record of records) {
    try {
      const t = await ctx.transforms.apply({ ...record.fields }, bindings);
      if (t.kind === 'filtered') {
        out.counts.filtered++;
        continue;
      }
      const keyValue = ctx.orientation.sourceIsLocal ? readPath(t.record, ctx.keyField) ?? record.key : record.remoteId ?? record.key;
      const cid = ctx.correlationId ? await ctx.correlationId.evaluate(t.record, bindings) : undefined;
      prepared.push({ record, transformed: t.record, sourceKey: String(keyValue), correlationId: typeof cid === 'string' && cid ? cid : randomUUID() });
    } catch (err) {
      out.counts.failed++;
      out.reconciliation.push({
        kind: 'mapping',
        pipeline: ctx.pipeline,
        recordKey: record.key,
        payload: { stage: 'transform', message: err instanceof Error ? err.message : String(err), record: record.fields },
        dedupeKey: `transform:${ctx.pipeline}:${record.key}`,
      });
    }
  }
  if (prepared.length === 0) return out;
  // References to other pipelines' records become CRM ids; a record whose reference is not
  // linked yet waits, and is planned no further.
  const referenced = await resolveReferences(ctx, prepared, lookups, bindings, out);
  if (referenced.ready !== prepared) prepared.splice(0, prepared.length, ...referenced.ready);
  if (prepared.length === 0) return out;

  // 2. Links and bases for the whole page at once.
  const links = await lookups.linksBySourceKey(prepared.map((p) => p.sourceKey));
  const linkIds = [...links.values()].map((l) => l.id);
  const bases = linkIds.length ? await lookups.bases(linkIds) : new Map<number, Map<string, { value: unknown }>>();
  // A linked record with a write in flight is planned from the state that write agrees on: a
  // change made and undone while it is out (A → B, then back to A) must write A again after it.
  const inFlight = linkIds.length ? await lookups.inFlight([...links.values()].map((l) => l.local.key)) : new Map<string, unknown>();

  // 3. Current target values of linked records, when the target can tell (three-way merges).
  const targetIds = prepared
    .map((p) => links.get(p.sourceKey))
    .filter((l): l is Link => l !== undefined)
    .map((l) => (ctx.orientation.sourceIsLocal ? l.remote.id : l.local.key));
  const current = ctx.readTarget && ctx.target.read && targetIds.length ? await ctx.target.read(targetIds, signal) : new Map<string, TargetSnapshot>();

  // 4. Records without a link, matched against the CRM's existing records when the rules say how.
  const matches = await matchPage(ctx, prepared.filter((p) => !links.has(p.sourceKey)), lookups, signal);

  // 4b. CRM → local: the row each unlinked record names, and the links those rows already have.
  const named = await namedRows(ctx, prepared.filter((p) => !links.has(p.sourceKey)), lookups, bindings, signal);

  for (const p of prepared) {
    const link = links.get(p.sourceKey);
    let localKey: string | undefined;
    let remoteId: string | undefined;
    let strategy = 'existing_link';
    let score = 1;
    const match = matches.get(p.sourceKey);
    /** An existing CRM record this one was matched to now, as the search returned it. */
    let matched: TargetSnapshot | undefined;
    /** CRM → local: the row a record without a link names, as it is now. */
    let namedRow: TargetSnapshot | undefined;
    if (link) {
      localKey = link.local.key;
      remoteId = link.remote.id;
    } else if (match && match.outcome.decision === 'review') {
      proposeForReview(ctx, out, p, match);
      continue;
    } else if (match && holdsRejectedId(ctx, out, p, match)) {
      continue;
    } else if (match && match.outcome.decision === 'link' && match.outcome.remoteId !== undefined) {
      localKey = p.sourceKey;
      remoteId = match.outcome.remoteId;
      strategy = match.outcome.strategy === 'externalId' ? 'external_id' : match.outcome.strategy;
      score = match.outcome.score;
      matched = match.found.get(remoteId);
      out.autoLinks.push(proposal(ctx, p.sourceKey, remoteId, strategy, score, { matchedOn: match.outcome.candidates.find((c) => c.remoteId === remoteId)?.matchedOn }, true));
    } else if (ctx.orientation.sourceIsLocal) {
      localKey = p.sourceKey;
      const ext = ctx.matchRules.find((r) => r.type === 'externalId');
      if (ext) strategy = 'external_id';
      else if (ctx.onNoMatch === 'skip') {
        out.counts.skipped++;
        continue;
      } else strategy = 'created';
    } else {
      remoteId = p.sourceKey;
      const row = named.rows.get(p);
      if (row) {
        // A row one CRM record is linked to (or claimed by an earlier record of this page) is not
        // another's: two CRM records naming one row are duplicates an operator resolves.
        const holder = named.links.get(row.key)?.remote.id ?? named.claimed.get(row.key);
        if (holder !== undefined && holder !== remoteId) {
          identityConflict(ctx, out, p, row.key, holder);
          continue;
        }
        named.claimed.set(row.key, remoteId);
        localKey = row.key;
        strategy = row.strategy;
        namedRow = named.existing.get(row.key);
      } else if (ctx.onNoMatch === 'skip') {
        out.counts.skipped++;
        continue;
      } else {
        localKey = p.sourceKey;
        strategy = 'created';
      }
    }

    // 5. Field values on both sides, keyed by canonical name. A failing `expr` fails its record
    // alone, like a failing transform: a page must never be held up by one bad record.
    const sourceValues: Record<string, unknown> = {};
    let failedField: { field: string; err: unknown } | undefined;
    const resolved = referenced.values.get(p);
    for (const f of ctx.plan.fields) {
      if (resolved && Object.hasOwn(resolved, f.name)) {
        sourceValues[f.name] = resolved[f.name];
        continue;
      }
      try {
        const v = f.read(p.transformed, bindings);
        sourceValues[f.name] = v instanceof Promise ? await v : v;
      } catch (err) {
        failedField = { field: f.name, err };
        break;
      }
    }
    if (failedField) {
      out.counts.failed++;
      out.reconciliation.push({
        kind: 'mapping',
        pipeline: ctx.pipeline,
        recordKey: localKey ?? p.sourceKey,
        ...(link ? { linkId: link.id } : {}),
        field: failedField.field,
        payload: {
          stage: 'field',
          message: failedField.err instanceof Error ? failedField.err.message : String(failedField.err),
          record: p.record.fields,
          action: 'fix the expression or the source value; the record is planned again when it changes, or re-read it with `syncd backfill`',
        },
        dedupeKey: `field:${ctx.pipeline}:${localKey ?? p.sourceKey}:${failedField.field}`,
      });
      continue;
    }
    const pending = link ? (inFlight.get(link.local.key) as WritePayload | undefined) : undefined;
    const pendingBase = pending?.base;
    const base = link ? pendingBase ?? Object.fromEntries([...(bases.get(link.id)?.entries() ?? [])].map(([k, v]) => [k, v.value])) : undefined;
    const targetKey = link ? (ctx.orientation.sourceIsLocal ? link.remote.id : link.local.key) : matched ? remoteId : undefined;
    // Without a readable target, the target is taken to be where the last agreement left it.
    // A row met for the first time is merged against what it holds, as a linked one is.
    const live = matched ?? namedRow ?? (targetKey !== undefined ? current.get(targetKey) : undefined);
    const targetValues = canonicalFromTarget(ctx, live, base) ?? { ...(base ?? {}) };
    // What a read of the target shows of the fields a write in flight sets is about to change.
    if (pending && pendingBase) for (const f of ctx.plan.fields) if (Object.hasOwn(pending.values, f.to) && Object.hasOwn(pendingBase, f.name)) targetValues[f.name] = pendingBase[f.name];
    const sourceSnapshot = { values: sourceValues, ...(p.record.updatedAt ? { modifiedAt: p.record.updatedAt } : {}) };
    const targetSnapshot = { values: targetValues, ...(live?.updatedAt ? { modifiedAt: live.updatedAt } : {}) };
    const merge: RecordMerge = ctx.orientation.sourceIsLocal
      ? mergeRecord(ctx.rules, base, sourceSnapshot, targetSnapshot)
      : mergeRecord(ctx.rules, base, targetSnapshot, sourceSnapshot);

    const recordKey = localKey ?? p.sourceKey;
    for (const c of merge.conflicts) {
      out.reconciliation.push({
        kind: 'conflict',
        pipeline: ctx.pipeline,
        recordKey,
        ...(link ? { linkId: link.id } : {}),
        field: c.field,
        payload: { reason: c.reason, owner: c.owner, base: c.base?.value ?? null, local: c.local.value ?? null, crm: c.crm.value ?? null, action: 'correct the value on the side that changed, or re-bind the pair, then resolve this item' },
        dedupeKey: `conflict:${ctx.pipeline}:${recordKey}:${c.field}`,
      });
    }
    for (const d of merge.drift) {
      out.reconciliation.push({
        kind: 'drift',
        pipeline: ctx.pipeline,
        recordKey,
        ...(link ? { linkId: link.id } : {}),
        field: d.field,
        payload: { side: d.side, base: d.base?.value ?? null, overwritten: d.overwritten ?? null, kept: d.kept ?? null },
        dedupeKey: `drift:${ctx.pipeline}:${recordKey}:${d.field}`,
      });
    }
    for (const a of merge.audit) {
      out.audit.push({
        actor: `pipeline:${ctx.pipeline}`,
        action: 'merge.decision',
        pipeline: ctx.pipeline,
        recordKey,
        correlationId: p.correlationId,
        before: { base: a.base?.value ?? null, local: a.local.value ?? null, crm: a.crm.value ?? null },
        after: { value: a.value ?? null },
        decision: { field: a.field, winner: a.winner, rule: a.rule, tie: a.tie },
      });
    }
    if (merge.held) {
      out.counts.skipped++;
      continue;
    }

    const canonicalWrites = ctx.orientation.sourceIsLocal ? merge.crmWrites : merge.localApplies;
    const agreed = agreedBase(merge, base, canonicalWrites, ctx.orientation.sourceIsLocal ? merge.localApplies : merge.crmWrites, live !== undefined);
    const values: Record<string, unknown> = {};
    for (const f of ctx.plan.fields) if (Object.hasOwn(canonicalWrites, f.name)) values[f.to] = canonicalWrites[f.name];
    if (Object.keys(values).length === 0) {
      out.counts.unchanged++;
      // Bases are saved only when confirmed: a base from a write in flight is saved when it settles.
      if (link && !pendingBase) for (const [field, value] of Object.entries(agreed)) if (!base || !Object.hasOwn(base, field) || base[field] !== value) out.bases.push({ linkId: link.id, field, value });
      continue;
    }
    // An upsert is addressed by its external id, so the key goes with every write made through
    // the create/upsert operation, linked or not, even when the key itself did not change.
    const bound = link !== undefined || matched !== undefined;
    if (ctx.orientation.sourceIsLocal && (!bound || !ctx.updateOperation)) {
      const ext = ctx.matchRules.find((r): r is KeyedMatcher => r.type === 'externalId');
      if (ext && values[ext.property] === undefined) values[ext.property] = readPath(p.transformed, ext.field);
    }

    // A record linked or matched now is addressed by its CRM id.
    const operation = bound && ctx.updateOperation ? ctx.updateOperation : ctx.operation;
    const payload: WritePayload = {
      values,
      ...(targetKey !== undefined ? { targetId: targetKey } : !ctx.orientation.sourceIsLocal && localKey ? { targetId: localKey } : {}),
      link: { localKey: recordKey, ...(remoteId ? { remoteId } : {}), strategy, score, ...(link ? { linkId: link.id } : {}) },
      base: agreed,
      // The outbox row is the write's intent on the audit trail: no audit row of its own.
      intent: { before: base ?? null, decision: { operation, strategy } },
      ...currentOf(ctx.target, operation, live),
    };
    // The base the write starts from is part of its version: a record changed B → A → B writes B
    // again (from A), where a key of the values alone would repeat the earlier B write's and be dropped.
    const version = contentVersion({ operation, values, targetId: payload.targetId ?? null, from: base ?? null });
    const idempotencyKey = deriveIdempotencyKey({ pipeline: ctx.pipeline, connection: ctx.connection, recordKey, contentVersion: version });
    out.writes.push({
      idempotencyKey,
      pipeline: ctx.pipeline,
      connection: ctx.connection,
      operation,
      object: ctx.target.object,
      recordKey,
      payload,
      contentVersion: version,
      correlationId: p.correlationId,
    });
    out.counts.planned++;
  }
  return out;
}

/** A value that names a record: a reference, an external id, a key (an empty one names none; a reference is then written empty). */
function namesRecord(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/**
 * Turns the values of reference fields (local keys of another pipeline's records) into the CRM ids
 * those records are linked to, one lookup per field for the page. A record whose referenced record
 * has no link yet is set aside as waiting, before it is matched or merged: nothing of it is
 * decided until it can be written whole. A value that fails to read is left to the field pass,
 * which reports it as it reports any failing field.
 */
async function resolveReferences(
  ctx: PlanContext,
  prepared: Prepared[],
  lookups: PlanLookups,
  bindings: Record<string, unknown>,
  out: PagePlan,
): Promise<{ ready: Prepared[]; values: Map<Prepared, Record<string, unknown>> }> {
  const fields = ctx.plan.fields.filter((f): f is PlannedField & { reference: FieldReference } => f.reference !== undefined);
  const values = new Map<Prepared, Record<string, unknown>>();
  if (fields.length === 0) return { ready: prepared, values };
  for (const p of prepared) {
    const raw: Record<string, unknown> = {};
    for (const f of fields) {
      try {
        const v = f.read(p.transformed, bindings);
        raw[f.name] = v instanceof Promise ? await v : v;
      } catch {
        // Read again, and reported, with the record's other fields.
      }
    }
    values.set(p, raw);
  }
  const ids = new Map<string, Map<string, string>>();
  for (const f of fields) {
    const keys = new Set<string>();
    for (const raw of values.values()) if (namesRecord(raw[f.name])) keys.add(String(raw[f.name]));
    ids.set(f.name, keys.size ? await lookups.referencedIds(f.reference, [...keys]) : new Map());
  }
  const ready: Prepared[] = [];
  for (const p of prepared) {
    const raw = values.get(p) as Record<string, unknown>;
    let missing: { field: PlannedField & { reference: FieldReference }; key: string } | undefined;
    for (const f of fields) {
      if (!Object.hasOwn(raw, f.name)) continue;
      if (!namesRecord(raw[f.name])) {
        raw[f.name] = null;
        continue;
      }
      const key = String(raw[f.name]);
      const id = ids.get(f.name)?.get(key);
      if (id === undefined) {
        missing = { field: f, key };
        break;
      }
      raw[f.name] = id;
    }
    if (missing) {
      const { reference } = missing.field;
      out.waits.push({ pipeline: ctx.pipeline, recordKey: p.record.key, field: missing.field.name, reference: reference.pipeline, local: { object: reference.localObject, key: missing.key }, remote: reference.remote });
      out.counts.waiting++;
      values.delete(p);
      continue;
    }
    out.referencesFound.push(p.record.key);
    ready.push(p);
  }
  return { ready, values };
}

/**
 * Matches a page's unlinked records when the pipeline writes to a CRM it can search. A CRM record
 * is linked to one local record at most: a match to one already linked to another record, or
 * chosen by two records of this page, is not made on its own but left to an operator.
 */
async function matchPage(ctx: PlanContext, unlinked: Prepared[], lookups: PlanLookups, signal: AbortSignal): Promise<Map<string, PageMatch>> {
  if (unlinked.length === 0 || !ctx.orientation.sourceIsLocal || !searchesCandidates(ctx.matchRules)) return new Map();
  const rejected = await lookups.rejectedMatches(unlinked.map((p) => p.sourceKey));
  const matches = await matchUnlinked(ctx.target, ctx.matchRules, unlinked.map((p) => ({ key: p.sourceKey, fields: p.transformed })), rejected, signal);
  const chosen = new Map<string, number>();
  for (const m of matches.values()) if (m.outcome.decision === 'link' && m.outcome.remoteId !== undefined) chosen.set(m.outcome.remoteId, (chosen.get(m.outcome.remoteId) ?? 0) + 1);
  const linked = chosen.size ? await lookups.linksByRemoteIds([...chosen.keys()]) : new Map<string, Link>();
  for (const [key, m] of matches) {
    const remoteId = m.outcome.decision === 'link' ? m.outcome.remoteId : undefined;
    if (remoteId === undefined) continue;
    const other = linked.get(remoteId);
    if ((other && other.local.key !== key) || (chosen.get(remoteId) ?? 0) > 1) {
      const reason = other && other.local.key !== key ? `already linked to ${other.local.key}` : 'matched by several records of one page';
      matches.set(key, { ...m, outcome: { ...m.outcome, decision: 'review' }, reason });
    }
  }
  return matches;
}

/**
 * A record whose own external id is held by a CRM record an operator rejected as its match (the
 * match had been made and written before the rejection): creating it would be an upsert by that
 * id, landing on the rejected record again, or a duplicate of a unique value. It waits, with a
 * conflict item saying what to clear, instead.
 */
function holdsRejectedId(ctx: PlanContext, out: PagePlan, p: Prepared, match: PageMatch): boolean {
  if (match.outcome.decision !== 'new') return false;
  const stale = match.outcome.candidates.find((c) => c.rejected && c.strategy === 'externalId');
  if (!stale) return false;
  const ext = ctx.matchRules.find((r): r is KeyedMatcher => r.type === 'externalId') as KeyedMatcher;
  const where = `${ctx.orientation.remote.connector}.${ctx.orientation.remote.object} ${stale.remoteId}`;
  out.reconciliation.push({
    kind: 'conflict',
    pipeline: ctx.pipeline,
    recordKey: p.sourceKey,
    field: ext.property,
    payload: {
      reason: `${where} holds this record's ${ext.property}, but an operator rejected it as this record's match`,
      remoteId: stale.remoteId,
      action: `clear ${ext.property} on ${where}, then re-read the record (syncd backfill ${ctx.pipeline} --from <its last change>) to create it`,
    },
    dedupeKey: `rejected-holds-id:${ctx.pipeline}:${p.sourceKey}`,
  });
  out.counts.skipped++;
  return true;
}

interface NamedRows {
  /** The local row a record names: by the external id it carries, or (records the pipeline may create) the value it writes to the table's key column. */
  rows: Map<Prepared, { key: string; strategy: 'external_id' | 'created' }>;
  /** Links those rows already have, by local key. */
  links: Map<string, Link>;
  /** Rows claimed by earlier records of the page, by local key: the CRM id. */
  claimed: Map<string, string>;
  /** The named rows the table has, as they are now, by key (when the target can be read). */
  existing: Map<string, TargetSnapshot>;
}

/**
 * CRM → local: which local row each unlinked record names (see `NamedRows`), and those rows as
 * they are. With `onNoMatch: skip` a row must exist to be named: an external id of a row the
 * table does not have (a quote deleted locally) matches nothing, rather than creating a row of
 * the CRM's fields alone.
 */
async function namedRows(ctx: PlanContext, unlinked: readonly Prepared[], lookups: PlanLookups, bindings: Record<string, unknown>, signal: AbortSignal): Promise<NamedRows> {
  const out: NamedRows = { rows: new Map(), links: new Map(), claimed: new Map(), existing: new Map() };
  if (ctx.orientation.sourceIsLocal) return out;
  const ext = ctx.matchRules.find((r): r is KeyedMatcher => r.type === 'externalId');
  for (const p of unlinked) {
    const candidate = ext ? readPath(p.transformed, ext.field) : undefined;
    if (namesRecord(candidate)) {
      out.rows.set(p, { key: String(candidate), strategy: 'external_id' });
      continue;
    }
    const value = ctx.onNoMatch === 'create' ? await keyColumnValue(ctx, p, bindings) : undefined;
    if (namesRecord(value)) out.rows.set(p, { key: String(value), strategy: 'created' });
  }
  if (out.rows.size === 0) return out;
  const keys = [...new Set([...out.rows.values()].map((r) => r.key))];
  if (ctx.readTarget && ctx.target.read) {
    out.existing = await ctx.target.read(keys, signal);
    if (ctx.onNoMatch === 'skip') for (const [p, row] of out.rows) if (!out.existing.has(row.key)) out.rows.delete(p);
  }
  out.links = await lookups.linksByLocalKeys(keys);
  return out;
}

/**
 * The value a CRM record writes to the local table's key column (`localKeyField`). A field that
 * fails here fails again, with its record reported, when the record's fields are read.
 */
async function keyColumnValue(ctx: PlanContext, p: Prepared, bindings: Record<string, unknown>): Promise<unknown> {
  const f = ctx.localKeyField;
  if (!f) return undefined;
  try {
    const v = f.read(p.transformed, bindings);
    return v instanceof Promise ? await v : v;
  } catch {
    return undefined;
  }
}

/** A CRM record names a local row another CRM record holds: nothing is written, an operator decides. */
function identityConflict(ctx: PlanContext, out: PagePlan, p: Prepared, localKey: string, holder: string): void {
  const { remote, localObject } = ctx.orientation;
  out.counts.skipped++;
  out.reconciliation.push({
    kind: 'conflict',
    pipeline: ctx.pipeline,
    recordKey: localKey,
    payload: {
      stage: 'identity',
      message: `${remote.connector} ${remote.object} ${p.sourceKey} names ${localObject} ${localKey}, which ${remote.connector} ${remote.object} ${holder} is linked to`,
      remoteId: p.sourceKey,
      linkedTo: holder,
      action: `merge the duplicate records in ${remote.connector}, or correct the one that names the wrong row; the record is planned again when it changes`,
    },
    // The same pair's item when delivery finds the row taken (see delivery.ts).
    dedupeKey: `identity:${ctx.pipeline}:${localKey}:${p.sourceKey}`,
  });
}

function proposal(ctx: PlanContext, localKey: string, remoteId: string, strategy: string, score: number, details: Record<string, unknown>, autoLink: boolean): MatchProposal {
  return {
    pipeline: ctx.pipeline,
    local: { object: ctx.orientation.localObject, key: localKey },
    remote: { ...ctx.orientation.remote, id: remoteId },
    strategy,
    score,
    details: Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)),
    autoLink,
  };
}

/**
 * A record whose best match needs an operator: every candidate the deciding rule scored in its
 * review band (several, when an exact key was ambiguous) waits in the review queue, and the record
 * is not written. Approving one links the pair; rejecting lets the record match elsewhere or be
 * created. Either decision has the record planned again at the next poll.
 */
function proposeForReview(ctx: PlanContext, out: PagePlan, p: Prepared, match: PageMatch): void {
  const { outcome } = match;
  const rule = ctx.matchRules.find((r) => r.type === outcome.strategy) as MatchStrategy | undefined;
  const floor = rule ? strategyThresholds(rule).review : outcome.score;
  const proposed = outcome.candidates.filter((c) => !c.rejected && c.strategy === outcome.strategy && c.score >= floor);
  for (const c of proposed) out.reviews.push(proposal(ctx, p.sourceKey, c.remoteId, c.strategy, c.score, { matchedOn: c.matchedOn, ambiguous: outcome.ambiguous, reason: match.reason }, false));
  out.audit.push({
    actor: `pipeline:${ctx.pipeline}`,
    action: 'match.review',
    pipeline: ctx.pipeline,
    recordKey: p.sourceKey,
    correlationId: p.correlationId,
    decision: { strategy: outcome.strategy, score: outcome.score, ambiguous: outcome.ambiguous, ...(match.reason ? { reason: match.reason } : {}), candidates: proposed.map((c) => ({ remoteId: c.remoteId, score: c.score })) },
  });
  out.counts.review++;
}
