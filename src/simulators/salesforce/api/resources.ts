/**
 * Discovery resources: the version list (`GET /services/data/`, free of charge and of auth), the
 * resource directory of one version, and the Limits resource.
 */
import type { ApiRouter } from './router.js';

/** Release name of an API version: v63.0 was Spring '25, then Summer, Winter (named for the next year), Spring… */
export function releaseLabel(version: string): string {
  const offset = Math.floor(Number(version)) - 63;
  const season = (['Spring', 'Summer', 'Winter'] as const)[((offset % 3) + 3) % 3] as string;
  const year = 25 + Math.floor(offset / 3) + (season === 'Winter' ? 1 : 0);
  return `${season} '${String(year).padStart(2, '0')}`;
}

export function versionList(versions: string[]): Array<{ label: string; url: string; version: string }> {
  return versions.map((v) => ({ label: releaseLabel(v), url: `/services/data/v${v}`, version: v }));
}

export function registerResourceRoutes(router: ApiRouter): void {
  router.add('GET', '', (req) => {
    const base = `/services/data/v${req.version}`;
    const names = ['sobjects', 'query', 'queryAll', 'composite', 'limits'];
    return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${base}/${n}`])) };
  });

  // UNCONFIRMED: whether a Limits call itself draws on DailyApiRequests; here it does, like any call.
  router.add('GET', 'limits', (_req, _p, ctx) => ({
    status: 200,
    body: { DailyApiRequests: { Max: ctx.org.budget.limit, Remaining: ctx.org.budget.remaining() } },
  }));
}
