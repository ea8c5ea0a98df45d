/** Tool metadata (`GET /api/v3/tools/{slug}`), fetched once per tool and version and then cached. */
import type { ExchangeContext } from '../http/exchange.js';
import { exchange } from '../http/exchange.js';

export interface ToolMetadata {
  slug: string;
  name?: string;
  version?: string;
  input_parameters?: unknown;
  output_parameters?: unknown;
  is_deprecated?: boolean;
  [key: string]: unknown;
}

export class ToolCatalog {
  private readonly cache = new Map<string, Promise<ToolMetadata>>();

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly version: string,
  ) {}

  get(slug: string, signal?: AbortSignal): Promise<ToolMetadata> {
    let hit = this.cache.get(slug);
    if (!hit) {
      hit = exchange(this.ctx, {
        operation: 'composio.tool',
        method: 'GET',
        path: `/api/v3/tools/${encodeURIComponent(slug)}`,
        label: '/api/v3/tools/{slug}',
        query: { toolkit_versions: this.version },
        budget: 'requests',
        cost: 0,
        ...(signal ? { signal } : {}),
      }).then((r) => r.body as ToolMetadata);
      // A failed lookup is not cached: the next caller tries again.
      hit.catch(() => this.cache.delete(slug));
      this.cache.set(slug, hit);
    }
    return hit;
  }
}
