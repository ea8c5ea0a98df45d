/**
 * Identity matching: which remote record, if any, a local record is. Strategies run in the order
 * the pipeline declares them (a declared `link` first of all, as the pipeline schema documents)
 * and the first one that finds a candidate worth a decision decides; later strategies are not
 * consulted, so an ambiguous exact key is never overridden by a looser fuzzy name.
 */
import {
  findCandidates,
  strategyThresholds,
  type CandidateSource,
  type LocalRecord,
  type MatchStrategy,
  type StrategyType,
} from './strategies.js';

/** A rule set: the `match` block of a pipeline (other members of it are ignored here). */
export interface MatchRules {
  /** Tried in this order, except that a `link` rule is always tried first. */
  readonly rules: readonly MatchStrategy[];
}

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

/**
 * Matches `record` against the remote side.
 *
 * For each strategy in order: candidates are found and scored (the best score per remote record
 * counts), pairs an operator rejected are set aside, and among the rest those scoring at least
 * `review` are considered (identifiers and exact keys score 1.0 and use 1.0 for both thresholds;
 * `fuzzyName` has its own). If none is, the next strategy runs. Otherwise this strategy decides:
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

  const ordered = [...rules.rules.filter((r) => r.type === 'link'), ...rules.rules.filter((r) => r.type !== 'link')];
  for (const strategy of ordered) {
    const { autoLink, review } = strategyThresholds(strategy);
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
