/**
 * apiVersion migrations: small, ordered steps, each turning a document of one version into the
 * next. `syncd validate` applies them in memory, checks the result against the current schema and
 * warns that the file uses a deprecated version; the file on disk is never rewritten.
 */
import { API_VERSION } from '../schema/common.js';

export interface Migration {
  from: string;
  to: string;
  /** What changed, shown in the deprecation warning. */
  summary: string;
  migrate(doc: Record<string, unknown>): Record<string, unknown>;
}

/** Ordered oldest first. `syncd.dev/v1` is the first version, so nothing is registered yet. */
const migrations: Migration[] = [];

export const CURRENT_API_VERSION = API_VERSION;

export function registerMigration(m: Migration): void {
  migrations.push(m);
}

export function supportedApiVersions(): string[] {
  return [...new Set([...migrations.map((m) => m.from), CURRENT_API_VERSION])];
}

export type MigrationResult =
  | { ok: true; doc: Record<string, unknown>; applied: Migration[] }
  | { ok: false; supported: string[] };

export function migrateToCurrent(doc: Record<string, unknown>): MigrationResult {
  let version = doc.apiVersion;
  let current = doc;
  const applied: Migration[] = [];
  while (version !== CURRENT_API_VERSION) {
    const step = migrations.find((m) => m.from === version);
    if (!step) return { ok: false, supported: supportedApiVersions() };
    current = { ...step.migrate(current), apiVersion: step.to };
    applied.push(step);
    version = step.to;
  }
  return { ok: true, doc: current, applied };
}
