/**
 * The `syncd` command line. Command modules load lazily so `syncd --help` stays fast.
 */
import yargs, { type Argv } from 'yargs';
import { SYNCD_VERSION } from '../version.js';
import { processIO, UserError, type CommandIO } from './io.js';

const EPILOGUE = `Files:
  connectors/*.yaml   systems syncd talks to (kind: Connector)
  pipelines/*.yaml    flows between them (kind: Pipeline)
  schemas/            JSON Schemas for editors: add
                      # yaml-language-server: $schema=../schemas/pipeline.v1.schema.json

Examples:
  syncd validate connectors/ pipelines/          check everything, as CI does
  syncd validate --format github pipelines/      annotations on a pull request
  syncd simulate hubspot --port 4010             a local HubSpot to develop against

Docs: README.md and docs/ in the repository.`;

/** Options every operator command shares. */
function storeOptions<T>(y: Argv<T>) {
  return y
    .option('store', { type: 'string', describe: 'State store: a SQLite file path or postgres://… (env SYNCD_STORE)', default: process.env.SYNCD_STORE })
    .option('tenant', { type: 'string', default: 'default', describe: 'Tenant whose rows to show or change' })
    .option('json', { type: 'boolean', default: false, describe: 'Print rows as JSON' })
    .option('by', { type: 'string', default: process.env.USER ?? 'operator', describe: 'Who is acting (kept in the audit trail)' });
}

function storeArgs(a: { store?: string | undefined; tenant: string; json: boolean }) {
  return { ...(a.store ? { store: a.store } : {}), tenant: a.tenant, json: a.json };
}

export async function main(argv: string[], io: CommandIO = processIO): Promise<void> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const parser = yargs(argv)
    .scriptName('syncd')
    .version(SYNCD_VERSION)
    .usage('syncd <command> [options]\n\nA declarative CRM sync engine: versioned YAML connectors and pipelines, run as durable streaming syncs.')
    .command(
      'validate [paths..]',
      'Check connector and pipeline files offline (schema, references, JSONata, policies)',
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, default: ['connectors', 'pipelines'], describe: 'Files or folders to check' })
          .option('format', { choices: ['human', 'json', 'github'] as const, default: 'human' as const, describe: 'Output format' })
          .option('strict', { type: 'boolean', default: false, describe: 'Treat warnings as errors' })
          .option('color', { type: 'boolean', default: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, describe: 'Colour the output' })
          .example('syncd validate', 'check connectors/ and pipelines/')
          .example('syncd validate pipelines/queast.yaml connectors/', 'one pipeline with the connectors it names')
          .example('syncd validate --format json . | jq .diagnostics', 'machine-readable output'),
      async (a) => {
        const { runValidate } = await import('./commands/validate.js');
        setExit(await runValidate({ paths: a.paths as string[], format: a.format, strict: a.strict, color: a.color }, io));
      },
    )
    .command(
      'run [paths..]',
      'Run pipelines as a daemon until SIGTERM, then drain and exit',
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, default: ['connectors', 'pipelines'], describe: 'Spec files or folders' })
          .option('store', { type: 'string', describe: 'State store: a SQLite file path or postgres://… (env SYNCD_STORE)', default: process.env.SYNCD_STORE })
          .option('pipeline', { type: 'string', array: true, describe: 'Run only these pipelines (repeatable)' })
          .option('tenant', { type: 'string', array: true, default: ['default'], describe: 'Tenants to run (repeatable)' })
          .option('once', { type: 'boolean', default: false, describe: 'Poll each pipeline once, deliver everything, exit' })
          .option('drain', { type: 'number', default: 20, describe: 'Seconds to drain in-flight work on SIGTERM' })
          .option('progress', { type: 'boolean', default: true, describe: 'Print progress to stderr' })
          .option('port', { type: 'number', default: 8787, describe: 'HTTP port for webhooks, /healthz, /readyz, /metrics' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 behind a proxy)' })
          .option('public-url', { type: 'string', describe: 'Public base URL vendors call (HubSpot signs the full URL)' })
          .option('log-level', { choices: ['debug', 'info', 'warn', 'error'] as const, default: 'info' as const, describe: 'JSON log level (stdout)' })
          .example('syncd run --pipeline quotey-deals-hubspot', 'one pipeline on the embedded store (.syncd/state.db)')
          .example('SYNCD_STORE=postgres://syncd@db/syncd syncd run', 'on PostgreSQL; start several to share the work'),
      async (a) => {
        const { runDaemon } = await import('./commands/run.js');
        setExit(
          await runDaemon(
            { paths: a.paths as string[], port: a.port, host: a.host, ...(a.publicUrl ? { publicUrl: a.publicUrl } : {}), logLevel: a.logLevel, ...(a.store ? { store: a.store } : {}), tenants: a.tenant as string[], ...(a.pipeline ? { pipelines: a.pipeline as string[] } : {}), once: a.once, drainSeconds: a.drain, progress: a.progress },
            io,
          ),
        );
      },
    )
    .command(
      'migrate',
      'Bring the state store schema up to date (`syncd run` also does it on start)',
      (y) => y.option('store', { type: 'string', describe: 'A SQLite file path or postgres://… (env SYNCD_STORE)', default: process.env.SYNCD_STORE }),
      async (a) => {
        const { runMigrate } = await import('./commands/migrate.js');
        setExit(await runMigrate(a.store ? { store: a.store } : {}, io));
      },
    )
    .command(
      'simulate <vendor>',
      'Serve a local simulator of a vendor API (hubspot, pipedrive, salesforce, composio)',
      (y) =>
        y
          .positional('vendor', { type: 'string', demandOption: true, describe: 'hubspot | pipedrive | salesforce' })
          .option('port', { type: 'number', default: 0, describe: 'Port on 127.0.0.1 (0: any free port)' })
          .option('seed', { type: 'number', default: 1, describe: 'Seed for ids, timestamps and fault draws' })
          .option('fixtures', { type: 'string', describe: 'Folder of JSON fixtures replacing the built-in ones' })
          .example('syncd simulate hubspot --port 4010', 'then point HUBSPOT_BASE_URL at http://127.0.0.1:4010'),
      async (a) => {
        const { runSimulate } = await import('./commands/simulate.js');
        setExit(await runSimulate({ vendor: a.vendor as string, port: a.port, seed: a.seed, ...(a.fixtures ? { fixtures: a.fixtures } : {}) }, io));
      },
    )
    .command(
      'plan <pipeline> [paths..]',
      'Dry run: the per-field writes the next poll would make and what policies would block, writing nothing',
      (y) =>
        storeOptions(y)
          .positional('pipeline', { type: 'string', demandOption: true })
          .positional('paths', { type: 'string', array: true, default: ['connectors', 'pipelines'] })
          .option('limit', { type: 'number', default: 50, describe: 'Records to plan at most' }),
      async (a) => {
        const { runPlan } = await import('./commands/plan.js');
        setExit(await runPlan({ pipeline: a.pipeline as string, paths: a.paths as string[], ...storeArgs(a), limit: a.limit }, io));
      },
    )
    .command(
      'test [paths..]',
      'Run pipeline tests (*.test.yaml): input records in, expected writes out, offline',
      (y) =>
        y
          .positional('paths', { type: 'string', array: true, default: ['pipelines'], describe: 'Test files or folders' })
          .option('specs', { type: 'string', array: true, default: ['connectors', 'pipelines'], describe: 'Connector and pipeline files the tests use' }),
      async (a) => {
        const { runTests } = await import('./commands/test.js');
        setExit(await runTests({ paths: a.paths as string[], specs: a.specs as string[] }, io));
      },
    )
    .command('status', 'Cursor, queue depth and age, and connection health per pipeline', (y) => storeOptions(y).option('pipeline', { type: 'string', describe: 'Only this pipeline' }), async (a) => {
      const { runStatus } = await import('./commands/operator.js');
      setExit(await runStatus({ ...storeArgs(a), ...(a.pipeline ? { pipeline: a.pipeline } : {}) }, io));
    })
    .command(
      'dlq <action> [ids..]',
      'Dead letter queue: list, replay (same idempotency keys) or discard writes that exhausted their retries',
      (y) =>
        storeOptions(y)
          .positional('action', { choices: ['list', 'replay', 'discard'] as const, demandOption: true })
          .positional('ids', { type: 'number', array: true, default: [] as number[] })
          .option('pipeline', { type: 'string', describe: 'Only this pipeline' })
          .option('all', { type: 'boolean', default: false, describe: 'Every open dead letter (of --pipeline)' })
          .example('syncd dlq list', 'what failed and why')
          .example('syncd dlq replay 12 13', 'queue two writes again'),
      async (a) => {
        const { runDlq } = await import('./commands/operator.js');
        setExit(await runDlq({ ...storeArgs(a), action: a.action, ids: (a.ids as number[]) ?? [], ...(a.pipeline ? { pipeline: a.pipeline } : {}), all: a.all, by: a.by }, io));
      },
    )
    .command(
      'review <action> [id]',
      'Identity review queue: list matches (auto-linked ones included), approve or reject one',
      (y) =>
        storeOptions(y)
          .positional('action', { choices: ['list', 'approve', 'reject'] as const, demandOption: true })
          .positional('id', { type: 'number' })
          .option('status', { choices: ['pending', 'auto_linked', 'approved', 'rejected'] as const, describe: 'Only matches in this state' })
          .option('pipeline', { type: 'string', describe: 'Only this pipeline' }),
      async (a) => {
        const { runReview } = await import('./commands/operator.js');
        setExit(await runReview({ ...storeArgs(a), action: a.action, ...(a.id !== undefined ? { id: a.id } : {}), ...(a.status ? { status: a.status } : {}), ...(a.pipeline ? { pipeline: a.pipeline } : {}), by: a.by }, io));
      },
    )
    .command(
      'reconcile <action> [id]',
      'Reconciliation items (conflicts, mapping errors, drift): list or resolve',
      (y) =>
        storeOptions(y)
          .positional('action', { choices: ['list', 'resolve'] as const, demandOption: true })
          .positional('id', { type: 'number' })
          .option('kind', { choices: ['conflict', 'mapping', 'drift'] as const })
          .option('pipeline', { type: 'string' })
          .option('note', { type: 'string', describe: 'What was done (kept with the item)' }),
      async (a) => {
        const { runReconcile } = await import('./commands/operator.js');
        setExit(await runReconcile({ ...storeArgs(a), action: a.action, ...(a.id !== undefined ? { id: a.id } : {}), ...(a.kind ? { kind: a.kind } : {}), ...(a.pipeline ? { pipeline: a.pipeline } : {}), ...(a.note ? { note: a.note } : {}), by: a.by }, io));
      },
    )
    .command('reconnect <connection>', 'Mark a connection reconnected (after fixing its credentials); its waiting writes resume', (y) => storeOptions(y).positional('connection', { type: 'string', demandOption: true, describe: 'e.g. default:hubspot' }), async (a) => {
      const { runReconnect } = await import('./commands/operator.js');
      setExit(await runReconnect({ ...storeArgs(a), connection: a.connection as string }, io));
    })
    .command(
      'backfill <pipeline>',
      'Re-read a pipeline from the beginning or from a date on its next poll',
      (y) => storeOptions(y).positional('pipeline', { type: 'string', demandOption: true }).option('from', { type: 'string', describe: 'ISO date or date-time to re-read from' }),
      async (a) => {
        const { runBackfill } = await import('./commands/operator.js');
        setExit(await runBackfill({ ...storeArgs(a), pipeline: a.pipeline as string, ...(a.from ? { from: a.from } : {}) }, io));
      },
    )
    .command(
      'demo',
      'Run the Quotey → HubSpot reference scenario against the local HubSpot simulator',
      (y) =>
        y
          .option('dir', { type: 'string', default: '.syncd/demo', describe: 'Where the demo database and state go (recreated)' })
          .option('quotes', { type: 'number', default: 500, describe: 'Sample quotes to create' }),
      async (a) => {
        const { runDemo } = await import('./commands/demo.js');
        setExit(await runDemo({ dir: a.dir, quotes: a.quotes }, io));
      },
    )
    .demandCommand(1, 'Name a command; `syncd --help` lists them.')
    .strict()
    .recommendCommands()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err, y) => {
      if (err) throw err;
      void y;
      io.err(`syncd: ${msg}\nRun \`syncd --help\` for usage.\n`);
      setExit(2);
    })
    .exitProcess(false)
    .help();

  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof UserError) {
      io.err(`syncd: ${err.message}\n`);
      exitCode = err.exitCode;
    } else {
      io.err(`syncd: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.SYNCD_DEBUG) io.err(`${err instanceof Error ? err.stack : ''}\n`);
      exitCode = 70;
    }
  }
  process.exitCode = exitCode;
}
