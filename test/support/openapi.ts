/**
 * Checks request and response bodies against a vendor's OpenAPI 3.0 document read from
 * `../shared/vendor-specs/` (YAML or JSON). Each document is parsed, converted to ajv's dialect
 * and compiled lazily, once per process: the files are 1–2 MB.
 *
 * ```ts
 * const v2 = loadOpenApi('pipedrive/v2.yaml');
 * v2?.expectResponse('GET', '/persons/{id}', 200, body);
 * ```
 *
 * Outside CI a missing file returns `undefined` (the caller skips); with `CI=true` it throws.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/** Folder holding the vendor specs: `<repo>/../shared/vendor-specs`. */
export const VENDOR_SPECS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/vendor-specs');

/**
 * A known gap between a vendor's spec and its live behaviour, scoped to instance paths. `path` is
 * a JSON pointer whose segments may be `*` (any key or index).
 */
export interface SpecErratum {
  path: string;
  /** The spec omits `nullable`, the API sends `null`: nulls at `path` are accepted. */
  nullable?: boolean;
  /** Errors of this ajv keyword at `path` are ignored (e.g. an outdated `enum`). */
  keyword?: string;
  /** Why the spec is wrong here; kept next to the exception so it can be re-checked. */
  why: string;
}

export interface CheckOptions {
  errata?: readonly SpecErratum[];
  /** Media type to check; defaults to the first JSON one the operation declares. */
  contentType?: string;
}

type Json = unknown;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

interface MediaType {
  schema?: Json;
}
interface OperationObject {
  operationId?: string;
  requestBody?: { content?: Record<string, MediaType>; required?: boolean };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
  [extension: string]: unknown;
}
interface OpenApiRoot {
  openapi?: string;
  servers?: { url: string }[];
  paths?: Record<string, Record<string, OperationObject>>;
}

const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'];
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

const cache = new Map<string, OpenApiDocument>();

/**
 * Loads (once per process) a spec relative to `VENDOR_SPECS_DIR`, e.g. `pipedrive/v2.yaml`, or
 * from an absolute path.
 */
export function loadOpenApi(relativePath: string): OpenApiDocument | undefined {
  const hit = cache.get(relativePath);
  if (hit) return hit;
  const file = isAbsolute(relativePath) ? relativePath : join(VENDOR_SPECS_DIR, relativePath);
  if (!existsSync(file)) {
    if (process.env.CI === 'true') throw new Error(`OpenAPI document ${file} is missing (required when CI=true)`);
    return undefined;
  }
  const text = readFileSync(file, 'utf8');
  const raw = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 })) as OpenApiRoot;
  const doc = new OpenApiDocument(relativePath, raw);
  cache.set(relativePath, doc);
  return doc;
}

export class OpenApiDocument {
  private readonly ajv: Ajv;
  private readonly key: string;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly basePath: string;

  constructor(
    readonly name: string,
    readonly root: OpenApiRoot,
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const f of OPENAPI_FORMATS) this.ajv.addFormat(f, true);
    this.key = `openapi:${name}`;
    this.ajv.addSchema(toJsonSchema(root) as object, this.key);
    const server = root.servers?.[0]?.url;
    this.basePath = server ? new URL(server, 'http://placeholder').pathname.replace(/\/$/, '') : '';
  }

  /** The operation object; throws when the spec has no such method and path template. */
  operation(method: Method, pathTemplate: string): OperationObject {
    const op = this.root.paths?.[pathTemplate]?.[method.toLowerCase()];
    if (!op) throw new Error(`${this.name}: no operation ${method} ${pathTemplate}`);
    return op;
  }

  /**
   * The path template matching a concrete path (with or without the server's base path, query
   * ignored); literal segments win over parameters, so `/persons/search` beats `/persons/{id}`.
   */
  templateFor(method: Method, concretePath: string): string | undefined {
    let path = concretePath.split('?')[0] as string;
    if (this.basePath && path.startsWith(this.basePath + '/')) path = path.slice(this.basePath.length);
    const parts = path.split('/');
    let best: { template: string; literals: number } | undefined;
    for (const [template, ops] of Object.entries(this.root.paths ?? {})) {
      if (!ops[method.toLowerCase()]) continue;
      const tparts = template.split('/');
      if (tparts.length !== parts.length) continue;
      let literals = 0;
      const ok = tparts.every((t, i) => {
        if (/^\{[^}]+\}$/.test(t)) return parts[i] !== '';
        literals++;
        return t === parts[i];
      });
      if (ok && (!best || literals > best.literals)) best = { template, literals };
    }
    return best?.template;
  }

  /** Error messages for a response body; empty when it fits. */
  responseErrors(method: Method, pathTemplate: string, status: number, body: Json, options: CheckOptions = {}): string[] {
    const responses = this.operation(method, pathTemplate).responses ?? {};
    const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => responses[c] !== undefined);
    if (code === undefined) return [`${this.name}: ${method} ${pathTemplate} declares no response for status ${status}`];
    const content = responses[code]?.content;
    const pointer = ['paths', pathTemplate, method.toLowerCase(), 'responses', code, 'content'];
    return this.check(content, pointer, body, options, `${method} ${pathTemplate} ${status}`);
  }

  /** Error messages for a request body; empty when it fits. */
  requestErrors(method: Method, pathTemplate: string, body: Json, options: CheckOptions = {}): string[] {
    const content = this.operation(method, pathTemplate).requestBody?.content;
    if (!content) return [`${this.name}: ${method} ${pathTemplate} declares no request body`];
    const pointer = ['paths', pathTemplate, method.toLowerCase(), 'requestBody', 'content'];
    return this.check(content, pointer, body, options, `${method} ${pathTemplate} request`);
  }

  expectResponse(method: Method, pathTemplate: string, status: number, body: Json, options?: CheckOptions): void {
    const errors = this.responseErrors(method, pathTemplate, status, body, options);
    if (errors.length > 0) throw new Error(`Response does not fit ${this.name} ${method} ${pathTemplate} ${status}:\n  ${errors.join('\n  ')}`);
  }

  expectRequest(method: Method, pathTemplate: string, body: Json, options?: CheckOptions): void {
    const errors = this.requestErrors(method, pathTemplate, body, options);
    if (errors.length > 0) throw new Error(`Request body does not fit ${this.name} ${method} ${pathTemplate}:\n  ${errors.join('\n  ')}`);
  }

  private check(content: Record<string, MediaType> | undefined, pointer: string[], body: Json, options: CheckOptions, what: string): string[] {
    if (!content) return body === undefined || body === '' || body === null ? [] : [`${what}: the spec declares no body`];
    const type = options.contentType ?? Object.keys(content).find((t) => /json/i.test(t));
    if (type === undefined || !content[type]) return [`${what}: the spec declares no ${options.contentType ?? 'JSON'} content`];
    if (content[type].schema === undefined) return [];
    const validate = this.validator([...pointer, type, 'schema']);
    const errata = options.errata ?? [];
    const subject = errata.some((e) => e.nullable) ? dropNulls(structuredClone(body), errata) : body;
    if (validate(subject)) return [];
    return (validate.errors ?? [])
      .filter((e) => !errata.some((x) => x.keyword === e.keyword && matches(x.path, e.instancePath)))
      .map(formatError);
  }

  private validator(pointer: string[]): ValidateFunction {
    const ref = `${this.key}#/${pointer.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, v);
    }
    return v;
  }
}

function formatError(e: ErrorObject): string {
  const extra = e.keyword === 'enum' ? ` ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}` : '';
  return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra} (${e.schemaPath})`;
}

function matches(pattern: string, instancePath: string): boolean {
  const p = pattern.split('/');
  const i = instancePath.split('/');
  return p.length === i.length && p.every((seg, k) => seg === '*' || seg === i[k]);
}

/** Removes `null` values at the errata's nullable paths (every property is optional there). */
function dropNulls(value: Json, errata: readonly SpecErratum[], path = ''): Json {
  if (Array.isArray(value)) {
    value.forEach((v, k) => dropNulls(v, errata, `${path}/${k}`));
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, Json>;
    for (const [k, v] of Object.entries(obj)) {
      const child = `${path}/${k}`;
      if (v === null && errata.some((e) => e.nullable && matches(e.path, child))) delete obj[k];
      else dropNulls(v, errata, child);
    }
  }
  return value;
}

/**
 * OpenAPI 3.0 schema dialect → JSON Schema for ajv: `nullable: true` becomes a `null` type (or an
 * `anyOf` with null when there is no `type`), boolean `exclusiveMinimum/Maximum` become numbers.
 * Examples are left untouched. Applied to the whole document, so `$ref`s keep their targets.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const src = node as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(src)) {
    out[k] = k === 'example' || k === 'examples' ? v : toJsonSchema(v);
  }
  if (typeof out.exclusiveMinimum === 'boolean') {
    if (out.exclusiveMinimum && typeof out.minimum === 'number') out.exclusiveMinimum = out.minimum;
    else delete out.exclusiveMinimum;
    if (typeof out.exclusiveMinimum === 'number') delete out.minimum;
  }
  if (typeof out.exclusiveMaximum === 'boolean') {
    if (out.exclusiveMaximum && typeof out.maximum === 'number') out.exclusiveMaximum = out.maximum;
    else delete out.exclusiveMaximum;
    if (typeof out.exclusiveMaximum === 'number') delete out.maximum;
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (out.type === undefined) {
      return { anyOf: [out, { type: 'null' }] };
    }
  } else if (out.nullable === false) {
    delete out.nullable;
  }
  return out;
}
