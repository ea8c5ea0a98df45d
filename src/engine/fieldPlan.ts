/**
 * A pipeline's field maps resolved for one tenant: the defaults with the tenant's overrides, each
 * field's value source compiled once, and which side of the pipeline is the CRM.
 */
import type { ConnectorDocument, FieldMapSpec, PipelineDocument } from '../spec/types.js';
import { compileExpression, plain, type CompiledExpression, type ExpressionBudget } from '../transforms/expression.js';
import { orient, type Orientation } from './orientation.js';

export interface PlannedField {
  /** Canonical name, e.g. `deal.stage`. */
  name: string;
  spec: FieldMapSpec;
  /** Target property or column. */
  to: string;
  /** The field's value in a (transformed) record: synchronous for a plain `from` path. */
  read(record: Record<string, unknown>, bindings: Record<string, unknown>): unknown;
  /** Set when the value is a key of another pipeline's records, written as the CRM id it is linked to. */
  reference?: FieldReference;
}

/** The links that turn a referenced record's key into its CRM id: those of the named pipeline's pair. */
export interface FieldReference {
  pipeline: string;
  localObject: string;
  remote: Orientation['remote'];
}

export interface FieldPlan {
  fields: PlannedField[];
  /** Which end of this pipeline is the CRM (the `http` connector). */
  crmSide: 'source' | 'target';
}

/** The value at a dotted path of a record (`address.city`). */
export function readPath(record: Record<string, unknown>, path: string): unknown {
  return readParts(record, path.split('.'));
}

function readParts(record: Record<string, unknown>, parts: readonly string[]): unknown {
  let v: unknown = record;
  for (const part of parts) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** `readPath` with the path split once, for reads made per record. */
function pathReader(path: string): (record: Record<string, unknown>) => unknown {
  const parts = path.split('.');
  return parts.length === 1 ? (record) => record[path] : (record) => readParts(record, parts);
}

function defaultFrom(canonical: string): string {
  return canonical.split('.').pop() as string;
}

export function isLocal(connector: ConnectorDocument): boolean {
  return (connector.spec.transport ?? 'http') === 'sql';
}

export function planFields(
  pipeline: PipelineDocument,
  tenant: string,
  connectors: Map<string, ConnectorDocument>,
  budget?: ExpressionBudget,
  pipelines: ReadonlyMap<string, PipelineDocument> = new Map(),
): FieldPlan {
  const overrides = pipeline.spec.tenants?.[tenant]?.fields ?? {};
  const merged: Record<string, FieldMapSpec> = { ...pipeline.spec.fields, ...overrides };
  const fields: PlannedField[] = Object.entries(merged).map(([name, spec]) => {
    let expr: CompiledExpression | undefined;
    if (spec.expr) expr = compileExpression(spec.expr, `fields.${name}.expr`, budget);
    const from = spec.from ?? defaultFrom(name);
    return {
      name,
      spec,
      to: spec.to,
      read: expr ? async (record, bindings) => plain(await expr.evaluate(record, bindings)) : pathReader(from),
      ...(spec.reference !== undefined ? { reference: fieldReference(name, spec.reference, pipelines, connectors, tenant) } : {}),
    };
  });
  const target = connectors.get(pipeline.spec.target.connector);
  const crmSide = target && isLocal(target) ? 'source' : 'target';
  return { fields, crmSide };
}

function fieldReference(field: string, name: string, pipelines: ReadonlyMap<string, PipelineDocument>, connectors: Map<string, ConnectorDocument>, tenant: string): FieldReference {
  const referenced = pipelines.get(name);
  // `syncd validate` reports this with its position; a runtime is only built from valid files.
  if (!referenced) throw new Error(`field ${field} references pipeline ${name}, which is not loaded`);
  const o = orient(referenced, connectors, tenant);
  return { pipeline: name, localObject: o.localObject, remote: o.remote };
}
