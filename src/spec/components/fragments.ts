/** Schema building blocks shared by the component definitions. */
import type { JsonSchema } from './registry.js';

export const SECRET_REF_PATTERN = '^\\$\\{(env|file):[^}]+\\}$';
export const DURATION_PATTERN = '^[0-9]+(ms|s|m|h|d)$';
export const NAME_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
export const IDENT_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

export function text(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', minLength: 1, description, ...extra };
}

/**
 * A secret: only a reference (`${env:NAME}` or `${file:path}`) is accepted. `x-secret` marks the
 * field so the validator reports an inline literal as `inline-secret`, not a generic pattern error.
 */
export function secretRef(description: string): JsonSchema {
  return {
    type: 'string',
    pattern: SECRET_REF_PATTERN,
    'x-secret': true,
    description: `${description} A reference, never the value: \`\${env:NAME}\` or \`\${file:/path}\`.`,
    examples: ['${env:HUBSPOT_CLIENT_SECRET}'],
  };
}

/** A string that may be a literal or an `${env:…}` reference resolved at run time. */
export function textOrRef(description: string, examples: string[] = []): JsonSchema {
  return { type: 'string', minLength: 1, description, ...(examples.length ? { examples } : {}) };
}

export function duration(description: string, example = '30s'): JsonSchema {
  return { type: 'string', pattern: DURATION_PATTERN, description: `${description} A duration such as \`500ms\`, \`30s\`, \`5m\`, \`1h\`, \`1d\`.`, examples: [example] };
}

export function jsonata(description: string, example?: string): JsonSchema {
  return { type: 'string', minLength: 1, 'x-jsonata': true, description: `${description} (JSONata)`, ...(example ? { examples: [example] } : {}) };
}

export function name(description: string): JsonSchema {
  return { type: 'string', pattern: NAME_PATTERN, description: `${description} Lower-case letters, digits and dashes.` };
}

export function integer(description: string, minimum: number, maximum?: number, extra: JsonSchema = {}): JsonSchema {
  return { type: 'integer', minimum, ...(maximum !== undefined ? { maximum } : {}), description, ...extra };
}

export function number(description: string, minimum: number, maximum?: number, extra: JsonSchema = {}): JsonSchema {
  return { type: 'number', minimum, ...(maximum !== undefined ? { maximum } : {}), description, ...extra };
}

export function bool(description: string, defaultValue: boolean): JsonSchema {
  return { type: 'boolean', default: defaultValue, description: `${description} Default: ${defaultValue}.` };
}

export function strictObject(properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema {
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false, ...(description ? { description } : {}) };
}

export function mapOf(value: JsonSchema, description: string, keyPattern?: string): JsonSchema {
  return {
    type: 'object',
    description,
    ...(keyPattern ? { propertyNames: { pattern: keyPattern } } : {}),
    additionalProperties: value,
  };
}

export function stringList(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', items: { type: 'string', minLength: 1 }, description, ...extra };
}
