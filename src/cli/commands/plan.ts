/**
 * `syncd plan <pipeline>`: a dry run. Reads what the next poll would read and shows, per record,
 * the writes syncd would make (field by field) and what the ownership policies would block —
 * conflicts, drift, held records — without writing anything anywhere.
 */
import { loadSpecs } from '../specs.js';
import { Runtime } from '../../engine/runtime.js';
import type { PagePlan, WritePayload } from '../../engine/planner.js';
import { redactSecrets, registerSecret } from '../../telemetry/secrets.js';
import { UserError, type CommandIO } from '../io.js';

export interface PlanArgs {
  pipeline: string;
  paths: string[];
  store?: string;
  tenant: string;
  limit: number;
  json: boolean;
}

export async function runPlan(args: PlanArgs, io: CommandIO): Promise<number> {
  const project = await loadSpecs(args.paths);
  if (!project.pipelines.some((p) => p.metadata.name === args.pipeline)) {
    throw new UserError(`no pipeline named ${args.pipeline}; known: ${project.pipelines.map((p) => p.metadata.name).join(', ')}`);
  }
  let runtime: Runtime;
  try {
    runtime = await Runtime.create({ project, ...(args.store ? { store: args.store } : {}), tenants: [args.tenant], pipelines: [args.pipeline], onSecret: registerSecret });
  } catch (err) {
    throw new UserError(redactSecrets(err instanceof Error ? err.message : String(err)));
  }
  let plans: PagePlan[];
  try {
    const runner = runtime.runners[0];
    if (!runner) throw new UserError(`pipeline ${args.pipeline} is disabled for tenant ${args.tenant}`);
    plans = await runner.preview(args.limit);
  } catch (err) {
    throw err instanceof UserError ? err : new UserError(redactSecrets(err instanceof Error ? err.message : String(err)));
  } finally {
    await runtime.close();
  }
  const writes = plans.flatMap((p) => p.writes);
  const reconciliation = plans.flatMap((p) => p.reconciliation);
  const reviews = plans.flatMap((p) => p.reviews);
  const waits = plans.flatMap((p) => p.waits);
  const totals = plans.reduce((t, p) => ({ read: t.read + p.counts.read, filtered: t.filtered + p.counts.filtered, skipped: t.skipped + p.counts.skipped, unchanged: t.unchanged + p.counts.unchanged }), { read: 0, filtered: 0, skipped: 0, unchanged: 0 });
  if (args.json) {
    io.out(JSON.stringify({ pipeline: args.pipeline, tenant: args.tenant, ...totals, writes: writes.map((w) => ({ record: w.recordKey, operation: w.operation, values: (w.payload as WritePayload).values, link: (w.payload as WritePayload).link })), blocked: reconciliation, review: reviews.map((r) => ({ record: r.local.key, remoteId: r.remote.id, strategy: r.strategy, score: r.score })), waiting: waits.map((w) => ({ record: w.recordKey, field: w.field, reference: w.reference, referencedKey: w.local.key })) }, null, 2) + '\n');
    return 0;
  }
  io.out(`plan for ${args.pipeline} (tenant ${args.tenant}), nothing is written:\n`);
  io.out(`  read ${totals.read}, would write ${writes.length}, unchanged ${totals.unchanged}, filtered ${totals.filtered}, skipped ${totals.skipped}, blocked or flagged ${reconciliation.length}, waiting for a match review ${new Set(reviews.map((r) => r.local.key)).size}${waits.length ? `, waiting for a referenced record ${waits.length}` : ''}\n\n`);
  for (const w of writes) {
    const p = w.payload as WritePayload;
    io.out(`  ${w.recordKey}  ${w.operation}${p.targetId ? ` → ${p.targetId}` : ''}  (${p.link.strategy})\n`);
    for (const [k, v] of Object.entries(p.values)) io.out(`      ${k} = ${JSON.stringify(v)}\n`);
  }
  for (const r of reconciliation) io.out(`  ${r.recordKey}  ${r.kind}${r.field ? ` on ${r.field}` : ''}: ${JSON.stringify(r.payload)}\n`);
  for (const r of reviews) io.out(`  ${r.local.key}  match review: ${r.remote.connector}.${r.remote.object} ${r.remote.id} by ${r.strategy}, score ${r.score.toFixed(2)}\n`);
  for (const w of waits) io.out(`  ${w.recordKey}  waits: ${w.field} names ${w.local.key}, which ${w.reference} has not linked yet\n`);
  return 0;
}
