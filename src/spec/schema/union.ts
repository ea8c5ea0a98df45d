/** Builds a `type:`-tagged union from the registry, in plain JSON Schema 2020-12. */
import { componentsOf, type ComponentKind, type JsonSchema } from '../components/registry.js';

export function defName(kind: ComponentKind, type: string): string {
  return `${kind}.${type}`;
}

/** `$defs` entries, one per registered component of `kind`. */
export function unionDefs(kind: ComponentKind): Record<string, JsonSchema> {
  const defs: Record<string, JsonSchema> = {};
  for (const c of componentsOf(kind)) {
    defs[defName(kind, c.type)] = {
      type: 'object',
      description: c.summary + (c.deprecated ? ` Deprecated: ${c.deprecated}` : ''),
      properties: { type: { const: c.type, description: c.summary }, ...c.properties },
      required: ['type', ...(c.required ?? [])],
      additionalProperties: false,
      examples: [c.example],
      ...(c.deprecated ? { deprecated: true } : {}),
    };
  }
  return defs;
}

/**
 * The union itself: `type` must be one of the registered tags, then exactly the matching
 * definition applies. if/then (rather than oneOf) keeps errors about the chosen variant only.
 */
export function unionRef(kind: ComponentKind, description: string): JsonSchema {
  const components = componentsOf(kind);
  return {
    type: 'object',
    description,
    required: ['type'],
    properties: { type: { enum: components.map((c) => c.type), description: `One of: ${components.map((c) => `\`${c.type}\``).join(', ')}.` } },
    allOf: components.map((c) => ({
      if: { properties: { type: { const: c.type } }, required: ['type'] },
      then: { $ref: `#/$defs/${defName(kind, c.type)}` },
    })),
  };
}
