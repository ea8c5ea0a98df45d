/**
 * Name similarity for fuzzy identity matching. Scores are in [0, 1], symmetric and deterministic
 * (no randomness, no locale, ties broken by string order), so the same two names always give the
 * same score and thresholds in pipeline files keep their meaning across runs and machines.
 */
import { normalizeCompanyName, normalizePersonName } from './normalize.js';

/** Winkler's prefix scale and the longest prefix it rewards (the published values). */
const WINKLER_SCALE = 0.1;
const WINKLER_MAX_PREFIX = 4;

/**
 * Two tokens count as the same word in {@link tokenSetSimilarity} at this Jaro–Winkler score or
 * above: a typo or a plural ("widget"/"widgets" ≈ 0.97) passes, a different word sharing a few
 * letters ("widgets"/"gadgets" ≈ 0.81) does not.
 */
export const TOKEN_MATCH_THRESHOLD = 0.85;

/** Jaro similarity of two strings (by UTF-16 code unit), 1 for two empty strings. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!bMatched[j] && a[i] === b[j]) {
        aMatched[i] = true;
        bMatched[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  return (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
}

/** Jaro–Winkler similarity: Jaro with a bonus for a common prefix of up to four characters. */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  const max = Math.min(WINKLER_MAX_PREFIX, a.length, b.length);
  while (prefix < max && a[prefix] === b[prefix]) prefix++;
  return j + prefix * WINKLER_SCALE * (1 - j);
}

/**
 * How much two token sets overlap, word order ignored: tokens are paired one-to-one, best pairs
 * first (by Jaro–Winkler, ties by token text so the pairing is deterministic); a pair scoring at
 * least {@link TOKEN_MATCH_THRESHOLD} contributes its score. The result is a soft Dice coefficient,
 * `2 × Σ pair scores / (|a| + |b|)`: 1 for equal sets, 0 with no word in common, and a name that
 * is a strict subset of another ("acme" in "acme bank") is held well below 1.
 */
export function tokenSetSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const pairs: { i: number; j: number; score: number; key: string }[] = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const score = jaroWinkler(a[i]!, b[j]!);
      if (score >= TOKEN_MATCH_THRESHOLD) pairs.push({ i, j, score, key: `${a[i]}\u0000${b[j]}` });
    }
  }
  pairs.sort((x, y) => y.score - x.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : x.i - y.i || x.j - y.j));
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let sum = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    sum += p.score;
  }
  return (2 * sum) / (a.length + b.length);
}

/** Which normalisation {@link nameSimilarity} applies before comparing. */
export type NameKind = 'company' | 'person';

/**
 * Similarity of two names in [0, 1]. Both names are first normalised ({@link normalizeCompanyName}
 * strips case, accents, punctuation and legal suffixes; {@link normalizePersonName} all but the
 * suffixes). Then:
 *
 * - equal normalised names, or names equal once spaces are removed ("Face Book"/"Facebook"), → 1;
 * - otherwise the mean of a character score and a word score, where the character score is the
 *   better Jaro–Winkler of the names as written and of their words sorted alphabetically (so
 *   word order does not matter), and the word score is {@link tokenSetSimilarity}.
 *
 * The mean keeps the two failure modes of each half in check: Jaro–Winkler alone rates long shared
 * prefixes too high ("Acme Widgets"/"Acme Gadgets"), word overlap alone misses typos inside a
 * word. A blank or missing name scores 0 against anything.
 */
export function nameSimilarity(a: unknown, b: unknown, kind: NameKind = 'company'): number {
  const normalize = kind === 'company' ? normalizeCompanyName : normalizePersonName;
  const na = normalize(a);
  const nb = normalize(b);
  if (na === undefined || nb === undefined) return 0;
  return normalizedNameSimilarity(na, nb);
}

/** {@link nameSimilarity} for names already normalised (space-separated tokens). */
export function normalizedNameSimilarity(na: string, nb: string): number {
  if (na === nb) return 1;
  const ta = na.split(' ');
  const tb = nb.split(' ');
  if (ta.join('') === tb.join('')) return 1;
  const sortedA = [...ta].sort().join(' ');
  const sortedB = [...tb].sort().join(' ');
  // Jaro's greedy character pairing (and the greedy token pairing) can differ slightly with
  // argument order; taking both orders makes the score symmetric by construction.
  const chars = Math.max(
    jaroWinkler(na, nb),
    jaroWinkler(nb, na),
    jaroWinkler(sortedA, sortedB),
    jaroWinkler(sortedB, sortedA),
  );
  const words = Math.max(tokenSetSimilarity(ta, tb), tokenSetSimilarity(tb, ta));
  return (chars + words) / 2;
}
