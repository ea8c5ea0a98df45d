/**
 * The `syncd` command line. Command modules load lazily so `syncd --help` stays fast.
 */
import yargs from 'yargs';
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
    .demandCommand(1, 'Name a command; `syncd --help` lists them.')
    .strict()
    .recommendCommands()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // Throwing stops yargs here; only returning would let it run the command anyway.
      if (err) throw err;
      throw new UserError(`${msg}\nRun \`syncd --help\` for usage.`, 2);
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
