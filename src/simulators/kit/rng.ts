/**
 * Deterministic randomness and identifiers for simulators: the same seed gives the same ids,
 * timestamps and fault draws, so a failing test can be replayed exactly.
 */

/** mulberry32: small, fast and good enough for fixtures and fault draws (not for secrets). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Monotonic numeric ids starting at a vendor-typical offset. */
export class Sequence {
  private next: number;
  constructor(start: number) {
    this.next = start;
  }
  take(): number {
    return this.next++;
  }
}

/**
 * Record timestamps: a simulated clock that starts at a fixed instant and moves one second per
 * write, so `updatedAt` values are deterministic yet strictly increasing, as incremental polling
 * by modification time needs. `advance` lets a test move time forward explicitly.
 */
export class RecordClock {
  private ms: number;
  constructor(startIso = '2026-01-01T00:00:00.000Z') {
    this.ms = Date.parse(startIso);
  }
  tick(): Date {
    this.ms += 1000;
    return new Date(this.ms);
  }
  peek(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Hex string of `length` characters drawn from `rand` (Pipedrive field keys, Salesforce ids). */
export function randomHex(rand: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(rand() * 16).toString(16);
  return out;
}
