/** Command table entries that run pipelines or simulators. Implementations load when they run. */
import type { CliCommand, OptionSpec, PositionalSpec } from './definitions.js';

const specPaths: PositionalSpec = { name: 'paths', describe: 'Spec files or folders', array: true, default: ['connectors', 'pipelines'] };

export const storeOption: OptionSpec = { type: 'string', describe: 'State store: a SQLite file path or postgres://… (env SYNCD_STORE; default .syncd/state.db)', ...(process.env.SYNCD_STORE ? { default: process.env.SYNCD_STORE } : {}) };

const run: CliCommand = {
  name: 'run',
  summary: 'Run pipelines as a daemon until SIGTERM, then drain and exit',
  positional: specPaths,
  options: {
    store: storeOption,
    pipeline: { type: 'string', array: true, describe: 'Run only these pipelines (repeatable)' },
    tenant: { type: 'string', array: true, default: ['default'], describe: 'Tenants to run (repeatable)' },
    once: { type: 'boolean', default: false, describe: 'Poll each pipeline once, deliver everything, exit' },
    drain: { type: 'number', default: 20, describe: 'Seconds to drain in-flight work on SIGTERM' },
    'retain-done': { type: 'string', default: '30d', describe: 'How long delivered writes stay in the outbox before they become plain audit entries (30d, 12h…; off keeps them)' },
    progress: { type: 'boolean', default: true, describe: 'Print progress to stderr' },
    port: { type: 'number', default: 8787, describe: 'HTTP port for webhooks, /healthz, /readyz, /metrics' },
    host: { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 behind a proxy)' },
    'public-url': { type: 'string', describe: 'Public base URL vendors call (HubSpot signs the full URL); the webhook subscriptions connectors declare (Pipedrive) are registered to it' },
    'log-level': { type: 'string', choices: ['debug', 'info', 'warn', 'error'], default: 'info', describe: 'JSON log level (stdout)' },
  },
  examples: [
    ['syncd run --pipeline quotey-deals-hubspot', 'one pipeline on the embedded store (.syncd/state.db)'],
    ['SYNCD_STORE=postgres://syncd@db/syncd syncd run', 'on PostgreSQL; start several to share the work'],
    ['syncd run --public-url https://syncd.example.com', 'receive webhooks there; Pipedrive is subscribed at start'],
    ['syncd run --pipeline salesforce-opportunity-changes-quotey', 'Salesforce changes as they happen (Change Data Capture: set SALESFORCE_PUBSUB_URL and SALESFORCE_ORG_ID)'],
  ],
  async run(a, io) {
    const { runDaemon } = await import('./run.js');
    return runDaemon(
      {
        paths: a.paths as string[],
        port: a.port as number,
        host: a.host as string,
        ...(a['public-url'] ? { publicUrl: a['public-url'] as string } : {}),
        logLevel: a['log-level'] as 'debug' | 'info' | 'warn' | 'error',
        ...(a.store ? { store: a.store as string } : {}),
        tenants: a.tenant as string[],
        ...(a.pipeline ? { pipelines: a.pipeline as string[] } : {}),
        once: a.once as boolean,
        drainSeconds: a.drain as number,
        retainDone: a['retain-done'] as string,
        progress: a.progress as boolean,
      },
      io,
    );
  },
};

const plan: CliCommand = {
  name: 'plan',
  summary: 'Dry run: the per-field writes the next poll would make and what policies would block, writing nothing',
  positionals: [{ name: 'pipeline', describe: 'The pipeline to plan', array: false, required: true }, specPaths],
  options: {
    store: storeOption,
    tenant: { type: 'string', default: 'default', describe: 'Tenant to plan for' },
    limit: { type: 'number', default: 50, describe: 'Records to plan at most' },
    json: { type: 'boolean', default: false, describe: 'Print the plan as JSON' },
  },
  examples: [['syncd plan quotey-deals-hubspot --limit 10', 'what the next poll would write']],
  async run(a, io) {
    const { runPlan } = await import('./plan.js');
    return runPlan({ pipeline: a.pipeline as string, paths: a.paths as string[], ...(a.store ? { store: a.store as string } : {}), tenant: a.tenant as string, limit: a.limit as number, json: a.json as boolean }, io);
  },
};

const test: CliCommand = {
  name: 'test',
  summary: 'Run pipeline tests (*.test.yaml): input records in, expected writes out, offline',
  positional: { name: 'paths', describe: 'Test files or folders', array: true, default: ['pipelines'] },
  options: { specs: { type: 'string', array: true, default: ['connectors', 'pipelines'], describe: 'Connector and pipeline files the tests use' } },
  examples: [['syncd test pipelines/', 'every *.test.yaml below pipelines/']],
  async run(a, io) {
    const { runTests } = await import('./test.js');
    return runTests({ paths: a.paths as string[], specs: a.specs as string[] }, io);
  },
};

const migrate: CliCommand = {
  name: 'migrate',
  summary: 'Bring the state store schema up to date (`syncd run` also does it on start)',
  options: { store: storeOption },
  examples: [['syncd migrate --store postgres://syncd@db/syncd', 'before rolling out a new version']],
  async run(a, io) {
    const { runMigrate } = await import('./migrate.js');
    return runMigrate(a.store ? { store: a.store as string } : {}, io);
  },
};

const simulate: CliCommand = {
  name: 'simulate',
  summary: 'Serve a local simulator of a vendor API (hubspot, pipedrive, salesforce, composio)',
  positionals: [{ name: 'vendor', describe: 'hubspot | pipedrive | salesforce | composio', array: false, required: true, choices: ['hubspot', 'pipedrive', 'salesforce', 'composio'] }],
  options: {
    port: { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0: any free port)' },
    seed: { type: 'number', default: 1, describe: 'Seed for ids, timestamps and fault draws' },
    fixtures: { type: 'string', describe: 'Folder of JSON fixtures replacing the built-in ones' },
  },
  examples: [['syncd simulate hubspot --port 4010', 'then point HUBSPOT_BASE_URL at http://127.0.0.1:4010']],
  async run(a, io) {
    const { runSimulate } = await import('./simulate.js');
    return runSimulate({ vendor: a.vendor as string, port: a.port as number, seed: a.seed as number, ...(a.fixtures ? { fixtures: a.fixtures as string } : {}) }, io);
  },
};

const demo: CliCommand = {
  name: 'demo',
  summary: 'Run the Quotey → HubSpot reference scenario against the local HubSpot simulator',
  options: {
    dir: { type: 'string', default: '.syncd/demo', describe: 'Where the demo database and state go (recreated)' },
    quotes: { type: 'number', default: 500, describe: 'Sample quotes to create' },
  },
  examples: [['syncd demo', 'quotes → deals, a stage change in HubSpot → back to Quotey']],
  async run(a, io) {
    const { runDemo } = await import('./demo.js');
    return runDemo({ dir: a.dir as string, quotes: a.quotes as number }, io);
  },
};

export const RUNTIME_COMMANDS: readonly CliCommand[] = [run, plan, test, migrate, simulate, demo];
