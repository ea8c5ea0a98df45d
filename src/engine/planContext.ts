/** Compiles what the planner needs for one pipeline and tenant: fields, rules, transforms, target. */
import type { ConnectorDocument, PipelineDocument } from '../spec/types.js';
import { compileTransforms } from '../transforms/steps.js';
import { compileExpression } from '../transforms/expression.js';
import { planFields } from './fieldPlan.js';
import { orient, targetFor } from './orientation.js';
import type { PlanContext } from './planner.js';
import type { TargetPort } from './ports.js';

export function buildPlanContext(
  pipeline: PipelineDocument,
  tenant: string,
  connectors: Map<string, ConnectorDocument>,
  target: TargetPort,
  operation: string,
  /** The project's pipelines, by name: the ones field references name. */
  pipelines: ReadonlyMap<string, PipelineDocument> = new Map(),
): PlanContext {
  const spec = pipeline.spec;
  const plan = planFields(pipeline, tenant, connectors, undefined, pipelines);
  const rules = plan.fields.map((f) => ({ field: f.name, owner: f.spec.owner, ...(f.spec.onConflict ? { onConflict: f.spec.onConflict } : {}) }));
  const updateOperation = targetFor(pipeline, tenant).updateOperation;
  const orientation = orient(pipeline, connectors, tenant);
  // CRM → local table: the field written to the table's key column names the row a record becomes.
  const table = !orientation.sourceIsLocal && spec.target.table ? connectors.get(spec.target.connector)?.spec.tables?.[spec.target.table] : undefined;
  const localKeyField = table ? plan.fields.find((f) => f.to === table.key) : undefined;
  return {
    pipeline: pipeline.metadata.name,
    tenant,
    connection: `${tenant}:${spec.target.connector}`,
    plan,
    rules,
    orientation,
    target,
    ...(localKeyField ? { localKeyField } : {}),
    operation,
    ...(updateOperation ? { updateOperation } : {}),
    onNoMatch: spec.match?.onNoMatch ?? 'create',
    matchRules: spec.match?.rules ?? [],
    transforms: compileTransforms(spec.transforms),
    ...(spec.correlationId ? { correlationId: compileExpression(spec.correlationId, 'correlationId') } : {}),
    keyField: spec.key ?? 'id',
    // A table read is one query per page; a connector read is one call per linked record, the
    // price of deciding on live values rather than on a possibly stale base.
    readTarget: target.read !== undefined,
  };
}
