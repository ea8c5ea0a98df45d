/**
 * A connector's objects and operations with every expression compiled and every hook looked up
 * once, when the client is built: nothing is compiled on the request path.
 */
import type { ConnectorDocument, ObjectSpec, OperationKind, OperationSpec } from '../../spec/types.js';
import { fieldsHook as registryHook, type FieldsHook } from '../../vendors/index.js';
import { FieldCodec } from '../codec/fields.js';
import { compileExpression, type CompiledExpression, type ExpressionLimits } from '../expression.js';
import { compilePagination, type CompiledPagination } from '../pagination.js';
import type { BudgetKind } from '../rateBudget.js';

export interface CompiledObject {
  name: string;
  spec: ObjectSpec;
  id: CompiledExpression;
  updatedAt?: CompiledExpression;
  fields?: CompiledExpression;
  operations: Map<string, CompiledOperation>;
}

export interface CompiledOperation {
  object: CompiledObject;
  name: string;
  /** `object.operation`. */
  label: string;
  spec: OperationSpec;
  kind: OperationKind;
  method: string;
  body?: CompiledExpression;
  /** Query parameters built from the same inputs as `body`. */
  params?: CompiledExpression;
  arguments?: CompiledExpression;
  records?: CompiledExpression;
  record?: CompiledExpression;
  errors?: CompiledExpression;
  pagination?: CompiledPagination;
  codec: FieldCodec;
  budget: BudgetKind;
  cost: number;
}

export type HookLookup = (name: string) => FieldsHook | undefined;

const DEFAULT_METHOD: Record<OperationKind, string> = {
  list: 'GET',
  get: 'GET',
  search: 'POST',
  batchRead: 'POST',
  create: 'POST',
  batchCreate: 'POST',
  batchUpdate: 'POST',
  batchUpsert: 'POST',
  update: 'PATCH',
  upsert: 'PATCH',
  delete: 'DELETE',
  execute: 'POST',
};

function hook(name: string | undefined, lookup: HookLookup, where: string): FieldsHook | undefined {
  if (!name) return undefined;
  const fn = lookup(name);
  if (!fn) throw new Error(`${where}: vendor hook ${name} is not registered`);
  return fn;
}

export function compileObjects(doc: ConnectorDocument, lookup: HookLookup = registryHook, limits?: ExpressionLimits): Map<string, CompiledObject> {
  const out = new Map<string, CompiledObject>();
  const c = (src: string | undefined): CompiledExpression | undefined => (src === undefined ? undefined : compileExpression(src, limits));
  for (const [name, spec] of Object.entries(doc.spec.objects ?? {})) {
    const obj: CompiledObject = { name, spec, id: compileExpression(spec.id ?? 'id', limits), operations: new Map() };
    const updatedAt = c(spec.updatedAt);
    if (updatedAt) obj.updatedAt = updatedAt;
    const fields = c(spec.fields);
    if (fields) obj.fields = fields;
    for (const [opName, op] of Object.entries(spec.operations)) {
      const label = `${name}.${opName}`;
      const hooks: { encode?: FieldsHook; decode?: FieldsHook } = {};
      const enc = hook(op.hooks?.encode, lookup, label);
      if (enc) hooks.encode = enc;
      const dec = hook(op.hooks?.decode, lookup, label);
      if (dec) hooks.decode = dec;
      const compiled: CompiledOperation = {
        object: obj,
        name: opName,
        label,
        spec: op,
        kind: op.kind,
        method: op.method ?? (op.kind === 'search' && !op.body ? 'GET' : DEFAULT_METHOD[op.kind]),
        codec: new FieldCodec(name, spec.properties, hooks),
        budget: op.budget ?? (op.kind === 'search' ? 'search' : 'requests'),
        cost: op.cost ?? 1,
      };
      for (const key of ['body', 'params', 'arguments', 'records', 'record', 'errors'] as const) {
        const e = c(op[key]);
        if (e) compiled[key] = e;
      }
      const pagination = compilePagination(op.pagination, limits);
      if (pagination) compiled.pagination = pagination;
      obj.operations.set(opName, compiled);
    }
    out.set(name, obj);
  }
  return out;
}

/** The operation named `name`, or by default the one named after `kind`, else the first of that kind. */
export function findOperation(objects: Map<string, CompiledObject>, object: string, kinds: readonly OperationKind[], name?: string): CompiledOperation {
  const obj = objects.get(object);
  if (!obj) throw new Error(`unknown object ${object}`);
  if (name !== undefined) {
    const op = obj.operations.get(name);
    if (!op) throw new Error(`unknown operation ${object}.${name}`);
    if (!kinds.includes(op.kind)) throw new Error(`operation ${object}.${name} is a ${op.kind}, not ${kinds.join('/')}`);
    return op;
  }
  const byName = obj.operations.get(kinds[0] as string);
  if (byName && kinds.includes(byName.kind)) return byName;
  for (const op of obj.operations.values()) if (kinds.includes(op.kind)) return op;
  throw new Error(`object ${object} has no ${kinds.join('/')} operation`);
}
