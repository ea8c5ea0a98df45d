/** What a pipeline's match rules need from its target: which rules search it, and with what. */
import type { MatcherSpec } from './types.js';

/** Matchers that look a record up among the CRM's existing records. */
const SEARCHED: ReadonlySet<MatcherSpec['type']> = new Set(['email', 'domain', 'linkedin', 'fuzzyName']);

/** Whether these rules match records against the CRM's existing ones (`link` and `externalId` alone never do). */
export function searchesCandidates(rules: readonly MatcherSpec[]): boolean {
  return rules.some((r) => SEARCHED.has(r.type));
}

/**
 * The search operation a rule finds candidates with. Exact keys go through `find` (the property
 * equals one of many values); LinkedIn slugs and names through `findByToken` (a word of the
 * property), because a CRM stores a LinkedIn page as a URL and a name with its own spelling.
 */
export function lookupOperation(rule: Exclude<MatcherSpec, { type: 'link' }>): string {
  return rule.lookup ?? (rule.type === 'linkedin' || rule.type === 'fuzzyName' ? 'findByToken' : 'find');
}
