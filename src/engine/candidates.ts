/**
 * Identity matching of a page's unlinked records against the CRM (DESIGN §3 "Identity matching").
 * The matcher of `src/identity` decides record by record; this module backs its candidate source
 * with the target's search operations. A CRM allows only a few searches a second, so the lookups
 * of every record of the page are gathered per strategy and sent together: one search carries
 * as many values as its operation's `maxBatch`, and a record the first strategy decided never
 * asks the next one.
 */
import { matchRecord, type CandidateSource, type KeyKind, type MatchOutcome, type MatchStrategy, type RemoteRecord } from '../identity/index.js';
import type { MatcherSpec } from '../spec/types.js';
import { lookupOperation } from '../spec/matching.js';
import type { TargetPort, TargetRecord } from './ports.js';

/**
 * What a search is asked for, given the normalised value a strategy looks up: a registrable domain
 * also as its `www.` host (what CRMs usually store); a LinkedIn key (`company/acme`) as its slug;
 * a name as its longest word, the one least likely to be shared with unrelated names.
 */
function searchTerms(kind: KeyKind | 'externalId' | 'name', value: string): string[] {
  switch (kind) {
    case 'domain':
      return [value, `www.${value}`];
    case 'linkedin':
      return [value.slice(value.indexOf('/') + 1)];
    case 'name': {
      // A one-letter word finds nothing useful, and vendors refuse such short terms.
      const word = value.split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
      return word.length >= 2 ? [word] : [];
    }
    default:
      return [value];
  }
}

export interface PageMatch {
  outcome: MatchOutcome;
  /** The CRM records the searches returned, by id: what a linked record's merge compares with. */
  found: ReadonlyMap<string, TargetRecord>;
  /** Why a match the matcher would link waits for an operator instead. */
  reason?: string;
}

interface Waiting {
  operation: string;
  property: string;
  terms: Map<string, Array<(records: RemoteRecord[]) => void>>;
  fail: Array<(err: unknown) => void>;
}

/** Gathers the lookups the matcher makes for a page, then sends them as few searches as it can. */
class PageSearches implements CandidateSource {
  readonly found = new Map<string, TargetRecord>();
  private readonly groups = new Map<string, Waiting>();
  private readonly cache = new Map<string, Promise<RemoteRecord[]>>();
  private scheduled = false;

  constructor(
    private readonly target: TargetPort & Required<Pick<TargetPort, 'lookup'>>,
    private readonly operations: ReadonlyMap<string, string>,
    private readonly rejected: ReadonlyMap<string, ReadonlySet<string>>,
    private readonly signal: AbortSignal,
  ) {}

  byLink(): undefined {
    // Only records without a link are matched: the planner found theirs already.
    return undefined;
  }

  byExternalId(property: string, value: string): Promise<RemoteRecord[]> {
    return this.search(this.operationFor('externalId', property), property, searchTerms('externalId', value));
  }

  byKey(kind: KeyKind, value: string, property: string): Promise<RemoteRecord[]> {
    return this.search(this.operationFor(kind, property), property, searchTerms(kind, value));
  }

  byName(normalized: string, property: string): Promise<RemoteRecord[]> {
    return this.search(this.operationFor('fuzzyName', property), property, searchTerms('name', normalized));
  }

  isRejected(localKey: string, remoteId: string): boolean {
    return this.rejected.get(localKey)?.has(remoteId) ?? false;
  }

  private operationFor(type: MatcherSpec['type'], property: string): string {
    return this.operations.get(`${type}\u0000${property}`) as string;
  }

  /** Records found for any of `terms` (the strategies re-check each candidate against the record). */
  private async search(operation: string, property: string, terms: string[]): Promise<RemoteRecord[]> {
    const lists = await Promise.all(terms.filter((t) => t !== '').map((t) => this.searchTerm(operation, property, t)));
    const byId = new Map<string, RemoteRecord>();
    for (const list of lists) for (const r of list) byId.set(r.id, r);
    return [...byId.values()];
  }

  private searchTerm(operation: string, property: string, term: string): Promise<RemoteRecord[]> {
    const key = `${operation}\u0000${property}\u0000${term}`;
    let p = this.cache.get(key);
    if (!p) {
      p = new Promise<RemoteRecord[]>((resolve, reject) => {
        const groupKey = `${operation}\u0000${property}`;
        let g = this.groups.get(groupKey);
        if (!g) this.groups.set(groupKey, (g = { operation, property, terms: new Map(), fail: [] }));
        const list = g.terms.get(term);
        if (list) list.push(resolve);
        else g.terms.set(term, [resolve]);
        g.fail.push(reject);
        this.schedule();
      });
      this.cache.set(key, p);
    }
    return p;
  }

  /** Flushes once every record waiting on this round of lookups has asked. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const groups = [...this.groups.values()];
      this.groups.clear();
      for (const g of groups) void this.send(g);
    });
  }

  private async send(g: Waiting): Promise<void> {
    try {
      const searches = await this.target.lookup({ operation: g.operation, property: g.property, values: [...g.terms.keys()] }, this.signal);
      const byTerm = new Map<string, RemoteRecord[]>();
      for (const search of searches) {
        const remotes = search.records.map((r) => {
          this.found.set(r.id, r);
          return { id: r.id, properties: r.fields };
        });
        // A term gets what its own search found (the strategy keeps those that really match), so
        // a broad name search is scored against the few records it was sent for, not the page.
        for (const term of search.values) byTerm.set(term, [...(byTerm.get(term) ?? []), ...remotes]);
      }
      for (const [term, waiting] of g.terms) for (const resolve of waiting) resolve(byTerm.get(term) ?? []);
    } catch (err) {
      for (const reject of g.fail) reject(err);
    }
  }
}

/**
 * Matches records without a link against the target's existing records. `rejected` holds the
 * remote ids an operator rejected, by local key. A failing search fails the page (it is read again
 * next cycle): deciding "new" without having looked would create a duplicate.
 */
export async function matchUnlinked(
  target: TargetPort,
  rules: readonly MatcherSpec[],
  records: ReadonlyArray<{ key: string; fields: Record<string, unknown> }>,
  rejected: ReadonlyMap<string, ReadonlySet<string>>,
  signal: AbortSignal,
): Promise<Map<string, PageMatch>> {
  const out = new Map<string, PageMatch>();
  if (records.length === 0) return out;
  if (!target.lookup) throw new Error(`${target.connector}.${target.object} cannot be searched for match candidates`);
  const operations = new Map<string, string>();
  for (const r of rules) if (r.type !== 'link') operations.set(`${r.type}\u0000${r.property}`, lookupOperation(r));
  const searches = new PageSearches(target as TargetPort & Required<Pick<TargetPort, 'lookup'>>, operations, rejected, signal);
  const strategies = rules.filter((r) => r.type !== 'link') as MatchStrategy[];
  const outcomes = await Promise.all(records.map((r) => matchRecord({ key: r.key, fields: r.fields }, { rules: strategies }, searches)));
  records.forEach((r, i) => out.set(r.key, { outcome: outcomes[i] as MatchOutcome, found: searches.found }));
  return out;
}

