/**
 * The `syncd` command line. Commands are a table (commands/definitions.ts) whose implementations
 * load when they run. `syncd --help`, `--version` and plain valid invocations answer without
 * loading yargs (a quarter of a second); help, errors and anything unusual go through yargs.
 */
import type { Argv } from 'yargs';
import { SYNCD_VERSION } from '../version.js';
import { COMMANDS, positionalsOf, usageOf, type CliCommand } from './commands/definitions.js';
import { parseFast } from './fastArgs.js';
import { DESCRIPTION, EPILOGUE, topLevelHelp, USAGE } from './help.js';
import { processIO, UserError, type CommandIO } from './io.js';

const HELP_FLAGS = new Set(['--help', '-h']);

export async function main(argv: string[], io: CommandIO = processIO): Promise<void> {
  if (argv.length === 1 && HELP_FLAGS.has(argv[0] as string)) {
    io.out(topLevelHelp(COMMANDS, Math.min(100, process.stdout.columns || 100)));
    process.exitCode = 0;
    return;
  }
  if (argv.length === 1 && argv[0] === '--version') {
    io.out(`${SYNCD_VERSION}\n`);
    process.exitCode = 0;
    return;
  }

  const command = COMMANDS.find((c) => c.name === argv[0]);
  const fast = command ? parseFast(command, argv.slice(1)) : undefined;
  if (command && fast) {
    process.exitCode = await runCommand(command, fast, io);
    return;
  }

  let exitCode = 0;
  const { default: yargs } = await import('yargs');
  const parser = yargs(argv)
    .scriptName('syncd')
    .version(SYNCD_VERSION)
    .usage(`${USAGE}\n\n${DESCRIPTION}`)
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
  for (const c of COMMANDS) {
    parser.command(usageOf(c), c.summary, (y) => configure(y, c), async (a) => {
      exitCode = await c.run(a as Record<string, unknown>, io);
    });
  }

  try {
    await parser.parseAsync();
  } catch (err) {
    exitCode = reportError(err, io);
  }
  process.exitCode = exitCode;
}

async function runCommand(c: CliCommand, args: Record<string, unknown>, io: CommandIO): Promise<number> {
  try {
    return await c.run(args, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/** One line for the user; the stack only with SYNCD_DEBUG. */
function reportError(err: unknown, io: CommandIO): number {
  if (err instanceof UserError) {
    io.err(`syncd: ${err.message}\n`);
    return err.exitCode;
  }
  io.err(`syncd: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.SYNCD_DEBUG) io.err(`${err instanceof Error ? err.stack : ''}\n`);
  return 70;
}

/** The yargs side of a command table entry. */
export function configure(y: Argv, c: CliCommand): Argv {
  let out = y;
  for (const p of positionalsOf(c)) {
    out = out.positional(p.name, {
      type: p.type ?? 'string',
      array: p.array,
      describe: p.describe,
      ...(p.default ? { default: p.default } : {}),
      ...(p.choices ? { choices: [...p.choices] } : {}),
      ...(p.required ? { demandOption: true } : {}),
    });
  }
  for (const [name, o] of Object.entries(c.options)) {
    out = out.option(name, {
      type: o.type,
      describe: o.describe,
      ...(o.array ? { array: true } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
      ...(o.choices ? { choices: [...o.choices] } : {}),
    });
  }
  for (const [example, what] of c.examples) out = out.example(example, what);
  return out;
}
