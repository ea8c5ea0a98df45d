/**
 * Lookup, version resolution and public views of the tool catalog, and validation of execution
 * arguments against each tool's `input_parameters`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ToolDefinition, ToolkitDefinition } from './types.js';

/** The version the API uses when a request names none (FACTS §4.2). */
export const BASE_VERSION = '00000000_00';

export interface CatalogEntry {
  tool: ToolDefinition;
  toolkit: ToolkitDefinition;
  /** Versions the tool exists in, oldest first. */
  versions: string[];
}

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export class ToolCatalog {
  private readonly bySlug = new Map<string, CatalogEntry>();
  private readonly toolkitsBySlug = new Map<string, ToolkitDefinition>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv;

  constructor(toolkits: ToolkitDefinition[]) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const toolkit of toolkits) {
      this.toolkitsBySlug.set(toolkit.slug, toolkit);
      for (const tool of toolkit.tools) {
        if (this.bySlug.has(tool.slug)) throw new Error(`tool ${tool.slug} is defined twice`);
        const versions = tool.versions ?? toolkit.versions;
        const unknown = versions.filter((v) => !toolkit.versions.includes(v));
        if (unknown.length > 0) throw new Error(`tool ${tool.slug}: versions ${unknown.join(', ')} are not versions of toolkit ${toolkit.slug}`);
        this.bySlug.set(tool.slug, { tool, toolkit, versions: [...versions].sort() });
      }
    }
  }

  get entries(): CatalogEntry[] {
    return [...this.bySlug.values()];
  }

  toolkit(slug: string): ToolkitDefinition | undefined {
    return this.toolkitsBySlug.get(slug.toLowerCase());
  }

  /** Slugs are matched case-insensitively (UNCONFIRMED; the API documents them upper-case). */
  find(slug: string): CatalogEntry | undefined {
    return this.bySlug.get(slug.toUpperCase());
  }

  /**
   * The concrete version a request means: `latest` is the newest version of the tool, no version
   * or the base version `00000000_00` its oldest (what the base version maps to is UNCONFIRMED),
   * any other must be one of the tool's versions. Undefined when the tool has no such version.
   */
  resolveVersion(entry: CatalogEntry, requested: string | null | undefined): string | undefined {
    if (requested === undefined || requested === null || requested === '' || requested === BASE_VERSION) return entry.versions[0];
    if (requested === 'latest') return entry.versions[entry.versions.length - 1];
    return entry.versions.includes(requested) ? requested : undefined;
  }

  /** Validation errors of `args` against the tool's input schema, as readable strings. */
  argumentErrors(entry: CatalogEntry, args: unknown): string[] {
    let validate = this.validators.get(entry.tool.slug);
    if (!validate) {
      validate = this.ajv.compile(entry.tool.inputParameters);
      this.validators.set(entry.tool.slug, validate);
    }
    if (validate(args)) return [];
    return (validate.errors ?? []).map((e) => {
      const where = e.instancePath === '' ? 'arguments' : `arguments${e.instancePath.replace(/\//g, '.')}`;
      const extra = e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : '';
      return `${where} ${e.message ?? e.keyword}${extra}`;
    });
  }
}

/** A tool as `GET /api/v3/tools/{slug}` shows it at one version. */
export function toolView(entry: CatalogEntry, version: string): Record<string, unknown> {
  const { tool, toolkit } = entry;
  const deprecated = tool.deprecated === true;
  return {
    slug: tool.slug,
    name: tool.name,
    description: tool.description,
    toolkit: { slug: toolkit.slug, name: toolkit.name, logo: toolkit.logo },
    input_parameters: tool.inputParameters,
    output_parameters: tool.outputParameters,
    no_auth: false,
    available_versions: entry.versions,
    version,
    scopes: tool.scopes ?? [],
    tags: tool.tags ?? [],
    is_deprecated: deprecated,
    deprecated: {
      displayName: tool.name,
      version,
      available_versions: entry.versions,
      is_deprecated: deprecated,
      toolkit: { logo: toolkit.logo },
    },
  };
}
