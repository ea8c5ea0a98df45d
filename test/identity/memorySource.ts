import type { KeyKind } from '../../src/identity/normalize.js';
import type { CandidateSource, RemoteRecord } from '../../src/identity/strategies.js';

/**
 * A CandidateSource over arrays, as loose as a CRM search: key and name lookups return every
 * record whose property text contains the looked-up value (or, for names, every record), so
 * the strategies' own re-checking is exercised. Calls are logged in order.
 */
export class MemorySource implements CandidateSource {
  readonly calls: string[] = [];
  private readonly links = new Map<string, string>();
  private readonly rejections = new Set<string>();

  constructor(readonly remotes: RemoteRecord[]) {}

  link(localKey: string, remoteId: string): this {
    this.links.set(localKey, remoteId);
    return this;
  }

  reject(localKey: string, remoteId: string): this {
    this.rejections.add(`${localKey}\u0000${remoteId}`);
    return this;
  }

  byLink(localKey: string): RemoteRecord | undefined {
    this.calls.push(`byLink:${localKey}`);
    const id = this.links.get(localKey);
    return this.remotes.find((r) => r.id === id);
  }

  async byExternalId(property: string, value: string): Promise<RemoteRecord[]> {
    this.calls.push(`byExternalId:${property}=${value}`);
    return this.remotes.filter((r) => JSON.stringify(r.properties[property] ?? '').includes(value));
  }

  async byKey(kind: KeyKind, value: string, property: string): Promise<RemoteRecord[]> {
    this.calls.push(`byKey:${kind}:${property}=${value}`);
    const stem = value.split(/[.@/]/)[0]!;
    return this.remotes.filter((r) => JSON.stringify(r.properties[property] ?? '').toLowerCase().includes(stem));
  }

  byName(normalized: string, property: string): RemoteRecord[] {
    this.calls.push(`byName:${property}=${normalized}`);
    return this.remotes;
  }

  async isRejected(localKey: string, remoteId: string): Promise<boolean> {
    return this.rejections.has(`${localKey}\u0000${remoteId}`);
  }
}

export function remote(id: string, properties: Record<string, unknown>): RemoteRecord {
  return { id, properties };
}
