/**
 * Matching strategies: each is a plain object, as a pipeline file declares it, and a way of
 * finding scored candidates for one local record. Deciding between candidates is the matcher's
 * job (matcher.ts); a strategy only finds and scores.
 */
import { FREE_MAIL_DOMAINS } from './freeMailDomains.js';
import { KEY_NORMALIZERS, normalizeCompanyName, normalizePersonName, type KeyKind } from './normalize.js';
import { normalizedNameSimilarity, type NameKind } from './similarity.js';

/** A record on the remote side (a CRM object) as the candidate source returns it. */
export interface RemoteRecord {
  /** The CRM's id of the record. */
  readonly id: string;
  /** Its properties, read by the strategies' `property` names. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The local record being matched. */
export interface LocalRecord {
  /** Stable key of the record on the local side (used for links and remembered rejections). */
  readonly key: string;
  /** Its fields, read by the strategies' `field` names. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Where candidates come from. The engine backs it with the store (links, rejections) and the
 * CRM connector's search; tests back it with arrays. Lookups may return more than the exact
 * matches (a CRM search is often looser than the key): the strategies re-check every candidate.
 */
export interface CandidateSource {
  /** The remote record already linked to this local record, if any. */
  byLink(localKey: string): RemoteRecord | undefined | Promise<RemoteRecord | undefined>;
  /** Remote records whose `property` holds `value` (an id of ours stored in the CRM, or theirs). */
  byExternalId(property: string, value: string): readonly RemoteRecord[] | Promise<readonly RemoteRecord[]>;
  /**
   * Remote records whose `property`, normalised as `kind`, may equal `value` (already normalised).
   * For `domain` the value is a registrable domain (`acme.co.uk`) while the CRM may hold a host
   * (`www.acme.co.uk`), so a search should also find the domain's subdomains.
   */
  byKey(kind: KeyKind, value: string, property: string): readonly RemoteRecord[] | Promise<readonly RemoteRecord[]>;
  /** Remote records whose `property` is a name resembling `normalized` (already normalised). */
  byName(normalized: string, property: string): readonly RemoteRecord[] | Promise<readonly RemoteRecord[]>;
  /** Whether an operator rejected linking this pair; a rejected pair is never auto-linked. */
  isRejected(localKey: string, remoteId: string): boolean | Promise<boolean>;
}

/**
 * The strategies mirror the pipeline file's `match.rules` entries (the `matcher` components of
 * the spec), so a parsed pipeline's rules are passed as they are.
 */

/** Follow the link syncd already holds for this record. */
export interface LinkStrategy {
  readonly type: 'link';
}

/** Equality of an identifier carried by both sides (our id stored in the CRM, or the CRM's id kept locally). Scores 1.0. */
export interface ExternalIdStrategy {
  readonly type: 'externalId';
  /** Local field holding the identifier, e.g. `id`. A dotted path reads nested objects. */
  readonly field: string;
  /** Remote property holding the same identifier, e.g. `quotey_quote_id`. */
  readonly property: string;
}

/** Equality of a normalised key: email, registrable domain or LinkedIn slug. Scores 1.0. */
export interface ExactKeyStrategy {
  readonly type: KeyKind;
  /** Local field holding the key (a string or a list of strings), e.g. `website`. */
  readonly field: string;
  /** Remote property holding the key (a string or a list of strings), e.g. `domain`. */
  readonly property: string;
  /**
   * Domain keys never used for matching (type `domain` only).
   * @defaultValue {@link FREE_MAIL_DOMAINS}
   */
  readonly ignoreDomains?: readonly string[];
}

/** Similarity of names after normalisation (see similarity.ts), with its own thresholds. */
export interface FuzzyNameStrategy {
  readonly type: 'fuzzyName';
  /** Local field holding the name, e.g. `name`. */
  readonly field: string;
  /** Remote property holding the name, e.g. `name`. */
  readonly property: string;
  /**
   * A candidate scoring at least this is linked automatically (and still listed for review).
   * @defaultValue {@link DEFAULT_AUTO_LINK}
   */
  readonly autoLink?: number;
  /**
   * A candidate scoring at least this, and below `autoLink`, waits in the review queue.
   * @defaultValue {@link DEFAULT_REVIEW}
   */
  readonly review?: number;
  /**
   * `company` strips legal suffixes ("Inc", "GmbH"), `person` does not.
   * @defaultValue 'company'
   */
  readonly nameKind?: NameKind;
}

/** Default `autoLink` of `fuzzyName`, as the pipeline schema documents it. */
export const DEFAULT_AUTO_LINK = 0.92;
/** Default `review` of `fuzzyName`, as the pipeline schema documents it. */
export const DEFAULT_REVIEW = 0.75;

export type MatchStrategy = LinkStrategy | ExternalIdStrategy | ExactKeyStrategy | FuzzyNameStrategy;
export type StrategyType = MatchStrategy['type'];

/**
 * The thresholds a strategy decides with. Identifier and exact-key strategies score 1.0 or
 * nothing, so they link at 1.0 (unless ambiguous) and never produce a review-band score.
 */
export function strategyThresholds(strategy: MatchStrategy): { autoLink: number; review: number } {
  if (strategy.type !== 'fuzzyName') return { autoLink: 1, review: 1 };
  return { autoLink: strategy.autoLink ?? DEFAULT_AUTO_LINK, review: strategy.review ?? DEFAULT_REVIEW };
}

/** One candidate a strategy found, with its score in [0, 1]. */
export interface ScoredCandidate {
  readonly remote: RemoteRecord;
  readonly score: number;
  /** The normalised key it matched on, or its normalised name for a fuzzy match (for the review queue). */
  readonly matchedOn?: string;
}

/** Reads `path` from `obj`: an own key first (names may contain dots), then a dotted path. */
export function readPath(obj: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(obj, path)) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function identifier(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  return s === '' ? undefined : s;
}

function normalizedKeys(strategy: ExactKeyStrategy, value: unknown): Set<string> {
  const normalize = KEY_NORMALIZERS[strategy.type];
  const ignored = strategy.type === 'domain' ? new Set(strategy.ignoreDomains ?? FREE_MAIL_DOMAINS) : undefined;
  const keys = new Set<string>();
  for (const v of asList(value)) {
    const key = normalize(v);
    if (key !== undefined && !ignored?.has(key)) keys.add(key);
  }
  return keys;
}

/** The candidates `strategy` finds for `record`, each checked against the record and scored. */
export async function findCandidates(
  strategy: MatchStrategy,
  record: LocalRecord,
  source: CandidateSource,
): Promise<ScoredCandidate[]> {
  switch (strategy.type) {
    case 'link': {
      const linked = await source.byLink(record.key);
      return linked ? [{ remote: linked, score: 1 }] : [];
    }
    case 'externalId': {
      const value = identifier(readPath(record.fields, strategy.field));
      if (value === undefined) return [];
      const found = await source.byExternalId(strategy.property, value);
      return found
        .filter((r) => asList(readPath(r.properties, strategy.property)).some((v) => identifier(v) === value))
        .map((remote) => ({ remote, score: 1, matchedOn: value }));
    }
    case 'email':
    case 'domain':
    case 'linkedin': {
      const out: ScoredCandidate[] = [];
      for (const key of normalizedKeys(strategy, readPath(record.fields, strategy.field))) {
        const found = await source.byKey(strategy.type, key, strategy.property);
        for (const remote of found) {
          if (normalizedKeys(strategy, readPath(remote.properties, strategy.property)).has(key)) {
            out.push({ remote, score: 1, matchedOn: key });
          }
        }
      }
      return out;
    }
    case 'fuzzyName': {
      const normalize = (strategy.nameKind ?? 'company') === 'company' ? normalizeCompanyName : normalizePersonName;
      const name = normalize(readPath(record.fields, strategy.field));
      if (name === undefined) return [];
      const found = await source.byName(name, strategy.property);
      const out: ScoredCandidate[] = [];
      for (const remote of found) {
        const other = normalize(readPath(remote.properties, strategy.property));
        if (other !== undefined) out.push({ remote, score: normalizedNameSimilarity(name, other), matchedOn: other });
      }
      return out;
    }
  }
}
