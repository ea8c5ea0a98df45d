/** What every benchmark reports: one figure, and how it compares with its goal when it has one. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The goal as text, e.g. `≥ 25000`. */
  goal?: string;
  pass?: boolean;
  note?: string;
}

/** A figure that must reach at least `min`. */
export function atLeast(name: string, value: number, unit: string, min: number, note?: string): BenchResult {
  return { name, value, unit, goal: `≥ ${min}`, pass: value >= min, ...(note ? { note } : {}) };
}

/** A figure that must stay at or under `max`. */
export function atMost(name: string, value: number, unit: string, max: number, note?: string): BenchResult {
  return { name, value, unit, goal: `≤ ${max}`, pass: value <= max, ...(note ? { note } : {}) };
}

/** A figure without a goal (a baseline, a count). */
export function info(name: string, value: number, unit: string, note?: string): BenchResult {
  return { name, value, unit, ...(note ? { note } : {}) };
}
