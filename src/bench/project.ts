/**
 * The benchmark's own project, generated into a temporary folder: a local SQLite `crm-source`
 * database of accounts, an HTTP `records` connector for the bench target, and one pipeline
 * between them with a JSONata transform and field maps under several owners — the path a real
 * table-to-CRM pipeline takes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface BenchProjectOptions {
  /** Rate limit the connector declares (the rate-limited target's). Default: none. */
  rateLimit?: { requests: number; windowMs: number };
  /** Records per batch upsert request. Default: 100. */
  maxBatch?: number;
  /** Parallel delivery loops. Default: 4. */
  concurrency?: number;
}

export const BENCH_PIPELINE = 'accounts-to-records';
export const BENCH_API_KEY = 'bench-api-key';

function connectorYaml(opts: BenchProjectOptions): string {
  const rate = opts.rateLimit
    ? `  rateLimit:
    requests: { limit: ${opts.rateLimit.requests}, per: ${opts.rateLimit.windowMs}ms }
    headers:
      limit: x-ratelimit-limit
      remaining: x-ratelimit-remaining
      reset: x-ratelimit-reset
      resetUnit: seconds
`
    : '';
  return `apiVersion: syncd.dev/v1
kind: Connector
metadata:
  name: records
  description: The benchmark's local records API.
spec:
  baseUrl: \${env:BENCH_TARGET_URL}
  auth:
    type: apiKey
    header: x-api-key
    key: \${env:BENCH_API_KEY}
${rate}  retry: { attempts: 6, initialDelay: 100ms, maxDelay: 5s }
  timeout: 30s
  errors:
    - { status: 429, class: transient }
    - { status: [401, 403], class: auth }
    - { status: 400, class: mapping }
  objects:
    accounts:
      id: id
      properties:
        id: { type: string, readOnly: true }
        external_id: { type: string, unique: true }
        name: { type: string }
        email: { type: string }
        domain: { type: string }
        employees: { type: integer }
        tier: { type: string }
      operations:
        batchUpsert:
          kind: batchUpsert
          method: POST
          path: /accounts/batch/upsert
          idProperty: external_id
          maxBatch: ${opts.maxBatch ?? 100}
          body: '{"inputs": [records.{"id": id, "idProperty": $$.idProperty, "properties": record}]}'
          records: results
`;
}

const SOURCE_YAML = `apiVersion: syncd.dev/v1
kind: Connector
metadata:
  name: crm-source
  description: The benchmark's source database.
spec:
  transport: sql
  database: \${env:BENCH_SOURCE_DB}
  tables:
    accounts:
      key: id
      columns:
        id: { type: string }
        name: { type: string }
        email: { type: string }
        website: { type: string }
        employees: { type: integer }
        plan: { type: string }
        updated_at: { type: datetime }
`;

function pipelineYaml(opts: BenchProjectOptions): string {
  return `apiVersion: syncd.dev/v1
kind: Pipeline
metadata:
  name: ${BENCH_PIPELINE}
spec:
  source:
    type: table
    connector: crm-source
    table: accounts
    schedule: { every: 1s }
    cursor: { field: updated_at }
  transforms:
    - type: jsonata
      name: derive-domain
      expression: '$merge([$, {"domain": $lowercase($substringAfter(website, "://")), "tier": plan = "enterprise" ? "A" : "B"}])'
  key: id
  match:
    rules:
      - type: link
      - type: externalId
        field: id
        property: external_id
  fields:
    account.id: { from: id, to: external_id, owner: immutable_after_bind }
    account.name: { from: name, to: name, owner: merge_with_audit, onConflict: local }
    account.email: { from: email, to: email, owner: local_wins }
    account.domain: { from: domain, to: domain, owner: local_wins }
    account.employees: { from: employees, to: employees, owner: local_wins }
    account.tier: { from: tier, to: tier, owner: crm_wins }
  target:
    connector: records
    object: accounts
    operation: batchUpsert
    delivery: { batchSize: ${opts.maxBatch ?? 100}, concurrency: ${opts.concurrency ?? 4} }
`;
}

/** Writes the project's YAML files under `dir`; returns the paths to load. */
export function writeBenchProject(dir: string, opts: BenchProjectOptions = {}): string[] {
  mkdirSync(path.join(dir, 'connectors'), { recursive: true });
  mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
  writeFileSync(path.join(dir, 'connectors', 'records.yaml'), connectorYaml(opts));
  writeFileSync(path.join(dir, 'connectors', 'crm-source.yaml'), SOURCE_YAML);
  writeFileSync(path.join(dir, 'pipelines', 'accounts.yaml'), pipelineYaml(opts));
  return [path.join(dir, 'connectors'), path.join(dir, 'pipelines')];
}

const PLANS = ['free', 'team', 'enterprise'];

/** The source row `i`, the same in every run. */
export function sourceRow(i: number): { id: string; name: string; email: string; website: string; employees: number; plan: string; updated_at: string } {
  return {
    id: `acc-${String(i).padStart(8, '0')}`,
    name: `Account ${i} GmbH`,
    email: `owner${i}@account${i}.example`,
    website: `https://www.account${i}.example`,
    employees: 10 + (i % 5000),
    plan: PLANS[i % PLANS.length] as string,
    // One distinct update time per row, a millisecond apart.
    updated_at: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
  };
}

/** Creates the SQLite source database with `count` accounts (in one transaction, fast). */
export function generateSource(file: string, count: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('drop table if exists accounts');
    db.exec('create table accounts (id text primary key, name text, email text, website text, employees integer, plan text, updated_at text not null)');
    db.exec('create index accounts_updated on accounts (updated_at, id)');
    const insert = db.prepare('insert into accounts (id, name, email, website, employees, plan, updated_at) values (@id, @name, @email, @website, @employees, @plan, @updated_at)');
    const all = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(sourceRow(i));
    });
    all(count);
  } finally {
    db.close();
  }
}

/** The environment the generated connectors resolve their `${env:…}` references from. */
export function benchEnv(targetUrl: string, sourceDb: string): NodeJS.ProcessEnv {
  return { BENCH_TARGET_URL: targetUrl, BENCH_SOURCE_DB: sourceDb, BENCH_API_KEY: BENCH_API_KEY };
}
