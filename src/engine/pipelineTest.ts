/**
 * Pipeline tests (`*.test.yaml`, run by `syncd test`): input records in, expected writes out,
 * offline. Each case plans its input through the real planner — transforms, matching, field maps
 * and ownership — on an in-memory store holding only the links a case gives, against a target
 * that records instead of sending.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConnectorDocument, PipelineDocument } from '../spec/types.js';
import { openStore } from '../state/store.js';
import { buildPlanContext } from './planContext.js';
import { planPage } from './planner.js';
import { storeLookups } from './planLookups.js';
import type { WritePayload } from './planner.js';
import type { TargetPort } from './ports.js';
import { isLocal } from './fieldPlan.js';
import { targetFor } from './orientation.js';
import { upsertLink } from '../state/links.js';

export interface ExpectedWrite {
  record: string;
  operation?: string;
  values: Record<string, unknown>;
}

/** A record of another pipeline already linked to the CRM, for the fields that reference it. */
export interface GivenLink {
  pipeline: string;
  key: string;
  id: string;
}

export interface PipelineTestCase {
  name: string;
  input: Array<Record<string, unknown>>;
  tenant?: string;
  links?: GivenLink[];
  expect: { writes?: ExpectedWrite[]; filtered?: number; skipped?: number; failed?: number; conflicts?: number; waiting?: number };
}

export interface CaseResult {
  name: string;
  ok: boolean;
  problems: string[];
}

function recordingTarget(pipeline: PipelineDocument, connectors: Map<string, ConnectorDocument>, tenant: string): { target: TargetPort; operation: string } {
  const t = targetFor(pipeline, tenant);
  const doc = connectors.get(t.connector) as ConnectorDocument;
  const local = isLocal(doc);
  const ops = local ? {} : (doc.spec.objects?.[t.object ?? '']?.operations ?? {});
  return {
    operation: local ? 'upsert' : (t.operation as string),
    target: {
      connector: t.connector,
      object: (local ? t.table : t.object) as string,
      maxBatch: (op) => {
        const spec = ops[op];
        return spec && spec.kind.startsWith('batch') ? spec.maxBatch ?? 1 : 1;
      },
      write: async () => {
        throw new Error('pipeline tests never write');
      },
      // Offline, the CRM holds no records: every record without a link is new.
      lookup: async () => [],
    },
  };
}

export async function runPipelineTestCase(pipeline: PipelineDocument, connectors: Map<string, ConnectorDocument>, c: PipelineTestCase, pipelines: ReadonlyMap<string, PipelineDocument> = new Map()): Promise<CaseResult> {
  const store = openStore({ url: ':memory:', secretKey: Buffer.alloc(32, 7) });
  const problems: string[] = [];
  try {
    await store.migrate();
    const tenant = c.tenant ?? 'default';
    const scope = store.forTenant(tenant);
    const { target, operation } = recordingTarget(pipeline, connectors, tenant);
    const ctx = buildPlanContext(pipeline, tenant, connectors, target, operation, pipelines);
    const keyField = ctx.keyField;
    const records = c.input.map((fields, i) => {
      const key = String(fields[keyField] ?? fields.id ?? i);
      return { key, fields, ...(ctx.orientation.sourceIsLocal ? {} : { remoteId: String(fields.id ?? key) }) };
    });
    // A given link is one of the pairs the pipeline's field references resolve through.
    for (const l of c.links ?? []) {
      const ref = ctx.plan.fields.find((f) => f.reference?.pipeline === l.pipeline)?.reference;
      if (!ref) throw new Error(`links: no field of ${pipeline.metadata.name} references pipeline ${l.pipeline}`);
      await upsertLink(scope, { local: { object: ref.localObject, key: l.key }, remote: { ...ref.remote, id: l.id }, pipeline: l.pipeline, strategy: 'manual' });
    }
    const lookups = storeLookups(scope, ctx);
    const plan = await planPage(ctx, records, lookups, new AbortController().signal);
    const e = c.expect;
    const counts: Array<[keyof typeof e, number]> = [
      ['filtered', plan.counts.filtered],
      ['skipped', plan.counts.skipped],
      ['failed', plan.counts.failed],
      ['conflicts', plan.reconciliation.filter((r) => r.kind === 'conflict').length],
      ['waiting', plan.counts.waiting],
    ];
    for (const [k, actual] of counts) if (e[k] !== undefined && e[k] !== actual) problems.push(`expected ${k}: ${String(e[k])}, got ${actual}`);
    if (e.writes) {
      const actual = plan.writes.map((w) => ({ record: w.recordKey, operation: w.operation, values: (w.payload as WritePayload).values }));
      if (actual.length !== e.writes.length) problems.push(`expected ${e.writes.length} write(s), got ${actual.length}: ${actual.map((a) => a.record).join(', ') || 'none'}`);
      for (const want of e.writes) {
        const got = actual.find((a) => a.record === want.record);
        if (!got) {
          problems.push(`no write for record ${want.record}`);
          continue;
        }
        if (want.operation && want.operation !== got.operation) problems.push(`record ${want.record}: expected operation ${want.operation}, got ${got.operation}`);
        if (!isDeepStrictEqual(JSON.parse(JSON.stringify(got.values)), want.values)) {
          problems.push(`record ${want.record}: expected values ${JSON.stringify(want.values)}, got ${JSON.stringify(got.values)}`);
        }
      }
    }
    for (const r of plan.reconciliation) if (r.kind === 'mapping' && e.failed === undefined) problems.push(`record ${r.recordKey} failed: ${JSON.stringify(r.payload)}`);
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await store.close();
  }
  return { name: c.name, ok: problems.length === 0, problems };
}
