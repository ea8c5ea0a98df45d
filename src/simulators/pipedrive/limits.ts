/**
 * Pipedrive's rate limits (FACTS §2.3): a rolling 2 s burst window per token (larger for OAuth),
 * a 10-per-2 s window for search, and a company-wide daily budget of tokens charged by each
 * operation's `x-token-cost`. The budget resets at midnight UTC (the live reset instant is not
 * documented).
 */
import { DailyBudget, RollingWindow } from '../kit/windows.js';
import { BURST_WINDOW_MS, type ResolvedPipedriveConfig } from './config.js';

export type CredentialKind = 'api_token' | 'oauth';

export type LimitDecision =
  | { ok: true; headers: LimitHeaders }
  | { ok: false; daily: boolean; headers: LimitHeaders };

export interface LimitHeaders {
  limit: number;
  remaining: number;
  /** Seconds until the window has room again. */
  reset: number;
  dailyLeft: number;
}

export class PipedriveLimits {
  private readonly burst = new Map<string, RollingWindow>();
  private readonly search = new Map<string, RollingWindow>();
  readonly daily: DailyBudget;
  private day = utcDay(Date.now());

  constructor(private readonly config: ResolvedPipedriveConfig) {
    this.daily = new DailyBudget(config.dailyTokenBudget);
  }

  /**
   * Admits or refuses one request of `cost` tokens. A refused request consumes nothing. For search
   * requests the headers describe the search window, the tighter of the two.
   */
  take(token: string, kind: CredentialKind, cost: number, isSearch: boolean): LimitDecision {
    const now = Date.now();
    const today = utcDay(now);
    if (today !== this.day) {
      this.day = today;
      this.daily.reset();
    }
    const burst = this.window(this.burst, token, kind === 'oauth' ? this.config.burstLimit.oauth : this.config.burstLimit.apiToken);
    const search = isSearch ? this.window(this.search, token, this.config.searchLimit) : undefined;
    const shown = search ?? burst;
    const headers = (): LimitHeaders => ({
      limit: shown.limit,
      remaining: shown.remaining(now),
      reset: Math.ceil((shown.msUntilFree(now) || BURST_WINDOW_MS) / 1000),
      dailyLeft: this.daily.remaining(),
    });
    if (this.daily.remaining() < cost) return { ok: false, daily: true, headers: headers() };
    if (burst.remaining(now) < 1 || (search && search.remaining(now) < 1)) return { ok: false, daily: false, headers: headers() };
    burst.tryTake(now);
    search?.tryTake(now);
    this.daily.tryTake(cost);
    return { ok: true, headers: headers() };
  }

  reset(): void {
    this.burst.clear();
    this.search.clear();
    this.daily.reset();
  }

  private window(map: Map<string, RollingWindow>, token: string, limit: number): RollingWindow {
    let w = map.get(token);
    if (!w) {
      w = new RollingWindow(limit, BURST_WINDOW_MS);
      map.set(token, w);
    }
    return w;
  }
}

function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
