/**
 * Walks a document alongside its JSON Schema and yields the values under schema nodes that carry
 * a marker keyword (`x-secret`, `x-jsonata`). Driven by the schema, so a new component's secret
 * or JSONata fields are checked without touching the validator.
 */
import type { JsonSchema } from '../components/registry.js';

export interface MarkedValue {
  path: Array<string | number>;
  value: unknown;
}

function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const defs = root.$defs as Record<string, JsonSchema>;
    return defs[ref.slice('#/$defs/'.length)] ?? schema;
  }
  return schema;
}

/** The schemas that apply to `value`: the node itself plus matching if/then branches. */
function applicable(schema: JsonSchema, value: unknown, root: JsonSchema): JsonSchema[] {
  const s = deref(schema, root);
  const out = [s];
  for (const part of (s.allOf as JsonSchema[] | undefined) ?? []) {
    const cond = part.if as JsonSchema | undefined;
    const typeConst = ((cond?.properties as Record<string, JsonSchema> | undefined)?.type?.const) as string | undefined;
    if (typeConst !== undefined && part.then) {
      if (value && typeof value === 'object' && (value as Record<string, unknown>).type === typeConst) out.push(...applicable(part.then as JsonSchema, value, root));
    }
  }
  return out;
}

export function collectMarked(root: JsonSchema, value: unknown, keyword: string): MarkedValue[] {
  const found: MarkedValue[] = [];
  const visit = (schema: JsonSchema, v: unknown, path: Array<string | number>): void => {
    for (const s of applicable(schema, v, root)) {
      if (s[keyword] === true) {
        found.push({ path, value: v });
        return;
      }
      if (Array.isArray(v) && s.items) {
        v.forEach((item, i) => visit(s.items as JsonSchema, item, [...path, i]));
      } else if (v && typeof v === 'object' && !Array.isArray(v)) {
        const props = (s.properties as Record<string, JsonSchema> | undefined) ?? {};
        for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
          const sub = props[k] ?? (typeof s.additionalProperties === 'object' ? (s.additionalProperties as JsonSchema) : undefined);
          if (sub) visit(sub, child, [...path, k]);
        }
      }
    }
  };
  visit(root, value, []);
  return found;
}
