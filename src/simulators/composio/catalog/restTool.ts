/**
 * Tools that are one provider request: a path template filled from the arguments, some arguments
 * as query parameters, the rest (or a chosen few) as the JSON body, and the provider's JSON answer
 * as `data`. Almost every CRM tool has this shape, so the catalog files stay tables.
 */
import { pathSegment, type HttpMethod, type ProviderHttp, type QueryValue } from '../provider.js';
import type { JsonSchema, ToolDefinition } from './types.js';

export interface RestToolSpec {
  slug: string;
  name: string;
  description: string;
  method: HttpMethod;
  /**
   * Path below the provider's base URL. `{arg}` is replaced by that argument (URL-encoded);
   * `{apiVersion}` by the provider's API version.
   */
  path: string;
  /** Query parameter name → argument name. Arrays are sent comma-separated. */
  query?: Record<string, string>;
  /**
   * The JSON body: `'rest'` sends every argument not used in the path or query, a list sends those
   * arguments only. @defaultValue no body
   */
  body?: 'rest' | string[];
  input: JsonSchema;
  /** @defaultValue any object */
  output?: JsonSchema;
  versions?: string[];
  tags?: string[];
  scopes?: string[];
  deprecated?: boolean;
}

const ANY_OBJECT: JsonSchema = { type: 'object', additionalProperties: true };

export function restTool(spec: RestToolSpec): ToolDefinition {
  const pathArgs = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).filter((n) => n !== 'apiVersion');
  const queryArgs = Object.values(spec.query ?? {});
  const used = new Set([...pathArgs, ...queryArgs]);
  return {
    slug: spec.slug,
    name: spec.name,
    description: spec.description,
    inputParameters: spec.input,
    outputParameters: spec.output ?? ANY_OBJECT,
    ...(spec.versions ? { versions: spec.versions } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
    ...(spec.scopes ? { scopes: spec.scopes } : {}),
    ...(spec.deprecated ? { deprecated: true } : {}),
    async execute(args, _account, http: ProviderHttp) {
      const path = spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'apiVersion' ? http.apiVersion : pathSegment(args[name])));
      const query: Record<string, QueryValue> = {};
      for (const [param, arg] of Object.entries(spec.query ?? {})) query[param] = args[arg] as QueryValue;
      let body: unknown;
      if (spec.body === 'rest') body = Object.fromEntries(Object.entries(args).filter(([k]) => !used.has(k)));
      else if (spec.body) body = Object.fromEntries(spec.body.filter((k) => args[k] !== undefined).map((k) => [k, args[k]]));
      const out = await http.json({ method: spec.method, path, query, ...(body !== undefined ? { body } : {}) });
      // `data` is always an object: empty answers (204) become {}, anything else is wrapped.
      if (out === undefined) return {};
      return out !== null && typeof out === 'object' && !Array.isArray(out) ? (out as Record<string, unknown>) : { response: out };
    },
  };
}
