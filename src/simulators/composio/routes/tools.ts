/** `GET /api/v3/tools` and `GET /api/v3/tools/{tool_slug}` (FACTS §4.2). */
import type { FastifyInstance } from 'fastify';
import { toolView, type CatalogEntry } from '../catalog/catalog.js';
import type { ComposioContext } from '../context.js';
import { notFound } from '../errors.js';
import { paginate, queryList } from '../paging.js';

type Query = Record<string, unknown>;

/**
 * The version asked for a toolkit: `toolkit_versions=<v>` applies to every toolkit, bracket
 * notation `toolkit_versions[hubspot]=<v>` (what the official client sends for an object) to one.
 */
export function requestedToolkitVersion(query: Query, toolkit: string): string | undefined {
  const one = query[`toolkit_versions[${toolkit}]`];
  if (typeof one === 'string' && one !== '') return one;
  const all = query.toolkit_versions;
  if (typeof all === 'string' && all !== '' && all !== 'null') return all;
  if (all && typeof all === 'object' && !Array.isArray(all)) {
    const v = (all as Record<string, unknown>)[toolkit];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

export function registerToolRoutes(api: FastifyInstance, ctx: ComposioContext): void {
  api.get<{ Querystring: Query }>('/tools', async (req) => {
    const q = req.query;
    const toolkits = queryList(q, 'toolkit_slug')?.map((s) => s.toLowerCase());
    const slugs = queryList(q, 'tool_slugs')?.map((s) => s.toUpperCase());
    const tags = queryList(q, 'tags');
    const search = typeof q.search === 'string' && q.search !== '' ? q.search.toLowerCase() : undefined;
    const includeDeprecated = q.include_deprecated !== 'false';
    const matching: Array<{ entry: CatalogEntry; version: string }> = [];
    for (const entry of ctx.catalog.entries) {
      const { tool, toolkit } = entry;
      if (toolkits && !toolkits.includes(toolkit.slug)) continue;
      if (slugs && !slugs.includes(tool.slug)) continue;
      if (tags && !tags.some((t) => tool.tags?.includes(t))) continue;
      if (search && !`${tool.slug} ${tool.name} ${tool.description}`.toLowerCase().includes(search)) continue;
      if (!includeDeprecated && tool.deprecated) continue;
      const version = ctx.catalog.resolveVersion(entry, requestedToolkitVersion(q, toolkit.slug));
      if (version === undefined) continue;
      matching.push({ entry, version });
    }
    return paginate(matching, q.limit, q.cursor, (m) => toolView(m.entry, m.version));
  });

  api.get<{ Params: { tool_slug: string }; Querystring: Query }>('/tools/:tool_slug', async (req) => {
    const entry = ctx.catalog.find(req.params.tool_slug);
    if (!entry) throw notFound(`Tool ${req.params.tool_slug} not found`, { suggestedFix: 'List the available tools with GET /api/v3/tools?toolkit_slug=<toolkit>' });
    const asked = typeof req.query.version === 'string' && req.query.version !== '' ? req.query.version : requestedToolkitVersion(req.query, entry.toolkit.slug);
    const version = ctx.catalog.resolveVersion(entry, asked);
    // UNCONFIRMED: the status for a version the tool does not have (the spec allows 400 or 404).
    if (version === undefined) {
      throw notFound(`Tool ${entry.tool.slug} has no version ${asked}`, { suggestedFix: `Use one of: ${entry.versions.join(', ')}, or latest` });
    }
    return toolView(entry, version);
  });
}
