/**
 * Associations between records, stored in both directions as HubSpot keeps them. Type ids are
 * HubSpot's HUBSPOT_DEFINED ones (FACTS §1.6, SDK enums/AssociationTypes.ts).
 */
import type { ObjectType } from './objectTypes.js';

export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED' | 'WORK';

export interface AssociationKind {
  category: AssociationCategory;
  typeId: number;
}

interface PairTypes {
  unlabeled: number;
  primary?: number;
}

/** `${from}->${to}` → the pair's HUBSPOT_DEFINED type ids. */
const PAIRS: Record<string, PairTypes> = {
  'contacts->companies': { unlabeled: 279, primary: 1 },
  'companies->contacts': { unlabeled: 280, primary: 2 },
  'deals->contacts': { unlabeled: 3 },
  'contacts->deals': { unlabeled: 4 },
  'deals->companies': { unlabeled: 341, primary: 5 },
  'companies->deals': { unlabeled: 342, primary: 6 },
  'notes->companies': { unlabeled: 190 },
  'companies->notes': { unlabeled: 189 },
  'notes->contacts': { unlabeled: 202 },
  'contacts->notes': { unlabeled: 201 },
  'notes->deals': { unlabeled: 214 },
  'deals->notes': { unlabeled: 213 },
  // UNCONFIRMED, not in the fact sheet: task → company 192, → contact 204, → deal 216 as client
  // libraries list HubSpot's ids; the reverse ids pair with them as notes' do (190 ↔ 189).
  'tasks->companies': { unlabeled: 192 },
  'companies->tasks': { unlabeled: 191 },
  'tasks->contacts': { unlabeled: 204 },
  'contacts->tasks': { unlabeled: 203 },
  'tasks->deals': { unlabeled: 216 },
  'deals->tasks': { unlabeled: 215 },
};

const INVERSE = new Map<number, number>([
  [279, 280],
  [1, 2],
  [3, 4],
  [341, 342],
  [5, 6],
  [190, 189],
  [202, 201],
  [214, 213],
  [192, 191],
  [204, 203],
  [216, 215],
]);
for (const [a, b] of [...INVERSE]) INVERSE.set(b, a);

export function pairTypes(from: ObjectType, to: ObjectType): PairTypes | undefined {
  return PAIRS[`${from.name}->${to.name}`];
}

/** Label of a type id: "Primary" for primary ids, none for unlabeled ones. */
export function labelOf(from: ObjectType, to: ObjectType, typeId: number): string | null {
  return pairTypes(from, to)?.primary === typeId ? 'Primary' : null;
}

/** The v3 name of an association type, as `?associations=` reads show it. */
export function v3TypeName(from: ObjectType, to: ObjectType, typeId: number): string {
  const pair = pairTypes(from, to);
  const base = `${from.singular}_to_${to.singular}`;
  return pair?.primary !== undefined && pair.unlabeled === typeId ? `${base}_unlabeled` : base;
}

/** Whether `kind` is valid from `from` to `to`. Only HubSpot-defined types exist in the simulator. */
export function isValidKind(from: ObjectType, to: ObjectType, kind: AssociationKind): boolean {
  const pair = pairTypes(from, to);
  if (!pair || kind.category !== 'HUBSPOT_DEFINED') return false;
  return kind.typeId === pair.unlabeled || kind.typeId === pair.primary;
}

export class AssociationStore {
  /** `${type}:${id}` → `${toType}:${toId}` → type ids. */
  private readonly edges = new Map<string, Map<string, Set<number>>>();

  clear(): void {
    this.edges.clear();
  }

  get size(): number {
    let n = 0;
    for (const m of this.edges.values()) for (const s of m.values()) n += s.size;
    return n;
  }

  /** Adds `typeIds` from→to and their inverses to→from. A primary type brings its unlabeled one. */
  add(from: ObjectType, fromId: string, to: ObjectType, toId: string, typeIds: number[]): void {
    const pair = pairTypes(from, to);
    const ids = new Set(typeIds);
    if (pair?.primary !== undefined && ids.has(pair.primary)) ids.add(pair.unlabeled);
    for (const t of ids) {
      this.edge(`${from.name}:${fromId}`, `${to.name}:${toId}`).add(t);
      this.edge(`${to.name}:${toId}`, `${from.name}:${fromId}`).add(INVERSE.get(t) ?? t);
    }
  }

  private edge(fromKey: string, toKey: string): Set<number> {
    let m = this.edges.get(fromKey);
    if (!m) this.edges.set(fromKey, (m = new Map()));
    let s = m.get(toKey);
    if (!s) m.set(toKey, (s = new Set()));
    return s;
  }

  /** Removes every association between the two records, in both directions. */
  remove(from: ObjectType, fromId: string, to: ObjectType, toId: string): boolean {
    const a = this.edges.get(`${from.name}:${fromId}`)?.delete(`${to.name}:${toId}`) ?? false;
    this.edges.get(`${to.name}:${toId}`)?.delete(`${from.name}:${fromId}`);
    return a;
  }

  /** Removes only the given type ids (and their inverses). */
  removeKinds(from: ObjectType, fromId: string, to: ObjectType, toId: string, typeIds: number[]): void {
    const fwd = this.edges.get(`${from.name}:${fromId}`)?.get(`${to.name}:${toId}`);
    const back = this.edges.get(`${to.name}:${toId}`)?.get(`${from.name}:${fromId}`);
    for (const t of typeIds) {
      fwd?.delete(t);
      back?.delete(INVERSE.get(t) ?? t);
    }
    if (fwd && fwd.size === 0) this.remove(from, fromId, to, toId);
  }

  /** Associated records of type `to`, in ascending id order, with their type ids. */
  list(from: ObjectType, fromId: string, to: ObjectType): Array<{ toId: string; typeIds: number[] }> {
    const m = this.edges.get(`${from.name}:${fromId}`);
    if (!m) return [];
    const prefix = `${to.name}:`;
    const out: Array<{ toId: string; typeIds: number[] }> = [];
    for (const [key, set] of m) {
      if (key.startsWith(prefix) && set.size > 0) out.push({ toId: key.slice(prefix.length), typeIds: [...set].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  has(from: ObjectType, fromId: string, to: ObjectType, toId: string): boolean {
    return (this.edges.get(`${from.name}:${fromId}`)?.get(`${to.name}:${toId}`)?.size ?? 0) > 0;
  }
}

/** The object type a HUBSPOT_DEFINED type id from `from` points to (create bodies omit it). */
export function targetOfTypeId(from: ObjectType, typeId: number, types: readonly ObjectType[]): ObjectType | undefined {
  return types.find((to) => {
    const pair = pairTypes(from, to);
    return pair !== undefined && (pair.unlabeled === typeId || pair.primary === typeId);
  });
}
