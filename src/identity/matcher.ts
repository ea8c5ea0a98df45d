/**
 * Identity matching: which remote record, if any, a local record is. Strategies run in the order
 * the pipeline declares them and the first one that finds a candidate worth a decision decides;
 * later strategies are not consulted, so an ambiguous exact key is never overridden by a looser
 * fuzzy name.
 */
import {
  findCandidates,
  type CandidateSource,
  type LocalRecord,
  type MatchStrategy,
  type StrategyType,
} from './strategies.js';

/** The strategies and default thresholds of one matching rule set. */
export interface MatchRules {
  /** Tried in this order. */
  readonly strategies: readonly MatchStrategy[];
  /**
   * Score from which a candidate is linked automatically (the engine still lists the match in the
   * review queue so an operator can undo it). Exact keys score 1.0, so they link at any value ≤ 1.
   * @defaultValue {@link DEFAULT_AUTO_LINK}
   */
  readonly autoLink?: number;
  /**
   * Score from which a candidate below `autoLink` waits for an operator; below it the record is new.
   * @defaultValue {@link DEFAULT_REVIEW}
   */
  readonly review?: number;
}

export const DEFAULT_AUTO_LINK = 0.95;
export const DEFAULT_REVIEW = 0.75;

export type MatchDecision = 'link' | 'review' | 'new';

/** A remote record considered for the local record, as the review queue lists it. */
export interface MatchCandidate {
  readonly remoteId: string;
  /** The best score any strategy gave it. */
  readonly score: number;
  /** The strategy that gave that score. */
  readonly strategy: StrategyType;
  /** The normalised key it matched on, or its normalised name for a fuzzy match. */
  readonly matchedOn?: string;
  /** An operator rejected this pair before: it is listed but never auto-linked. */
  readonly rejected: boolean;
}

export interface MatchOutcome {
  readonly decision: MatchDecision;
  /**
   * `link`: the record to link. `review`: the best candidate to propose, absent when the match
   * is ambiguous (several candidates as good as each other). `new`: absent.
   */
  readonly remoteId?: string;
  /** The strategy that decided, or for `new` the one that found the best candidate (`none` if none did). */
  readonly strategy: StrategyType | 'none';
  /** The deciding score (for `new`, the best score seen below the review threshold, or 0). */
  readonly score: number;
  /** Several different candidates reached `autoLink` on the deciding strategy. */
  readonly ambiguous: boolean;
  /** Every candidate any consulted strategy found, best first (ties by id). */
  readonly candidates: readonly MatchCandidate[];
}

interface Evaluated {
  readonly remoteId: string;
  readonly score: number;
  readonly strategy: StrategyType;
  readonly matchedOn?: string;
  readonly rejected: boolean;
}

function byScoreThenId(a: { score: number; remoteId: string }, b: { score: number; remoteId: string }): number {
  return b.score - a.score || (a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0);
}

function thresholds(rules: MatchRules, strategy: MatchStrategy): { autoLink: number; review: number } {
  return {
    autoLink: strategy.autoLink ?? rules.autoLink ?? DEFAULT_AUTO_LINK,
    review: strategy.review ?? rules.review ?? DEFAULT_REVIEW,
  };
}

/**
 * Problems with a rule set (empty when it is usable): thresholds outside [0, 1], `review` above
 * `autoLink`, strategies without their field or property, a strategy listed twice.
 */
export function checkMatchRules(rules: MatchRules): string[] {
  const problems: string[] = [];
  const inRange = (where: string, name: string, v: number | undefined): void => {
    if (v !== undefined && !(v >= 0 && v <= 1)) problems.push(`${where}: ${name} must be between 0 and 1, got ${v}`);
  };
  inRange('rules', 'autoLink', rules.autoLink);
  inRange('rules', 'review', rules.review);
  if (rules.strategies.length === 0) problems.push('rules: at least one strategy is needed');
  const seen = new Set<string>();
  rules.strategies.forEach((s, i) => {
    const where = `strategies[${i}] (${s.type})`;
    inRange(where, 'autoLink', s.autoLink);
    inRange(where, 'review', s.review);
    const t = thresholds(rules, s);
    if (t.review > t.autoLink) problems.push(`${where}: review (${t.review}) is above autoLink (${t.autoLink})`);
    if (s.type !== 'existing_link') {
      if (!s.field) problems.push(`${where}: field is required`);
      if (!s.property) problems.push(`${where}: property is required`);
    }
    const id = s.type === 'existing_link' ? s.type : `${s.type}:${s.field}:${s.property}`;
    if (seen.has(id)) problems.push(`${where}: the same strategy is listed twice`);
    seen.add(id);
  });
  return problems;
}

/**
 * Matches `record` against the remote side.
 *
 * For each strategy in order: candidates are found and scored (the best score per remote record
 * counts), pairs an operator rejected are set aside, and among the rest those scoring at least
 * `review` are considered. If none is, the next strategy runs. Otherwise this strategy decides:
 * - exactly one candidate at or above `autoLink` (score ≥ autoLink) → `link`;
 * - several different candidates at or above `autoLink` (e.g. two CRM companies with one domain)
 *   → `review`, ambiguous, never a link;
 * - the best candidate in [review, autoLink) → `review` proposing it.
 * When no strategy decides, the record is `new`. A rejected pair therefore falls through to the
 * next candidate or strategy and, failing those, to `new`; it is still listed in `candidates`.
 */
export async function matchRecord(
  record: LocalRecord,
  rules: MatchRules,
  source: CandidateSource,
): Promise<MatchOutcome> {
  const seen = new Map<string, Evaluated>();
  const rejectedCache = new Map<string, boolean>();
  const isRejected = async (remoteId: string): Promise<boolean> => {
    let r = rejectedCache.get(remoteId);
    if (r === undefined) {
      r = await source.isRejected(record.key, remoteId);
      rejectedCache.set(remoteId, r);
    }
    return r;
  };
  const listed = (): MatchCandidate[] => [...seen.values()].sort(byScoreThenId);

  for (const strategy of rules.strategies) {
    const { autoLink, review } = thresholds(rules, strategy);
    const best = new Map<string, Evaluated>();
    for (const c of await findCandidates(strategy, record, source)) {
      const prev = best.get(c.remote.id);
      if (prev && prev.score >= c.score) continue;
      best.set(c.remote.id, {
        remoteId: c.remote.id,
        score: c.score,
        strategy: strategy.type,
        matchedOn: c.matchedOn,
        rejected: await isRejected(c.remote.id),
      });
    }
    for (const e of best.values()) {
      const prev = seen.get(e.remoteId);
      if (!prev || e.score > prev.score) seen.set(e.remoteId, e);
    }

    const eligible = [...best.values()].filter((e) => !e.rejected && e.score >= review).sort(byScoreThenId);
    const top = eligible[0];
    if (!top) continue;
    if (top.score >= autoLink) {
      const ambiguous = eligible.some((e) => e.remoteId !== top.remoteId && e.score >= autoLink);
      if (ambiguous) {
        return { decision: 'review', strategy: strategy.type, score: top.score, ambiguous, candidates: listed() };
      }
      return {
        decision: 'link',
        remoteId: top.remoteId,
        strategy: strategy.type,
        score: top.score,
        ambiguous,
        candidates: listed(),
      };
    }
    return {
      decision: 'review',
      remoteId: top.remoteId,
      strategy: strategy.type,
      score: top.score,
      ambiguous: false,
      candidates: listed(),
    };
  }

  const candidates = listed();
  const bestUnrejected = candidates.find((c) => !c.rejected);
  return {
    decision: 'new',
    strategy: bestUnrejected?.strategy ?? 'none',
    score: bestUnrejected?.score ?? 0,
    ambiguous: false,
    candidates,
  };
}
