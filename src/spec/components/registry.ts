/**
 * The component registry. A component (an auth method, a pagination style, a source, a matcher…)
 * is one object: its `type` tag, a summary, and a JSON Schema fragment whose fields carry
 * descriptions and examples. The committed JSON Schemas, editor completion and reference docs
 * are all generated from what is registered here, so they cannot disagree.
 */

export type JsonSchema = { [key: string]: unknown };

/** Where a component plugs in; each kind is a tagged union selected by `type:` in YAML. */
export type ComponentKind = 'auth' | 'pagination' | 'webhookVerifier' | 'source' | 'transform' | 'matcher' | 'transport';

export interface ComponentSpec {
  kind: ComponentKind;
  /** The value of `type:` that selects this component. */
  type: string;
  summary: string;
  /** Field schemas (without `type`), each with `description` and, where useful, `examples`. */
  properties: Record<string, JsonSchema>;
  required?: string[];
  /** A complete YAML-ready example of this component. */
  example: Record<string, unknown>;
  /** Set when the form still loads but should no longer be written. */
  deprecated?: string;
}

const registry = new Map<ComponentKind, Map<string, ComponentSpec>>();

export function registerComponent(spec: ComponentSpec): ComponentSpec {
  let byType = registry.get(spec.kind);
  if (!byType) registry.set(spec.kind, (byType = new Map()));
  if (byType.has(spec.type)) throw new Error(`component ${spec.kind}/${spec.type} registered twice`);
  byType.set(spec.type, spec);
  return spec;
}

export function componentsOf(kind: ComponentKind): ComponentSpec[] {
  return [...(registry.get(kind)?.values() ?? [])];
}

export function componentTypes(kind: ComponentKind): string[] {
  return componentsOf(kind).map((c) => c.type);
}

export function getComponent(kind: ComponentKind, type: string): ComponentSpec | undefined {
  return registry.get(kind)?.get(type);
}
