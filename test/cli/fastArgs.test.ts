/** The yargs-free parse of plain invocations reads every argument list exactly as yargs does, or declines. */
import yargs from 'yargs';
import { COMMANDS, usageOf, type CliCommand } from '../../src/cli/commands/definitions.js';
import { parseFast } from '../../src/cli/fastArgs.js';
import { configure } from '../../src/cli/main.js';

const validate = COMMANDS.find((c) => c.name === 'validate') as CliCommand;

async function viaYargs(c: CliCommand, argv: string[]): Promise<Record<string, unknown>> {
  let args: Record<string, unknown> = {};
  await yargs([c.name, ...argv])
    .command(usageOf(c), c.summary, (y) => configure(y, c), (a) => {
      args = a as Record<string, unknown>;
    })
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync();
  const keys = [...Object.keys(c.options), ...(c.positional ? [c.positional.name] : [])];
  return Object.fromEntries(keys.map((k) => [k, args[k]]));
}

describe('parseFast', () => {
  it.each([
    [[]],
    [['pipelines']],
    [['connectors/', 'pipelines/a.yaml', 'pipelines/b.yml']],
    [['--format', 'json', 'pipelines']],
    [['--format=github', '--strict', 'pipelines', 'connectors']],
    [['pipelines', '--strict', '--color']],
    [['--color', '--format', 'human']],
  ])('reads %j as yargs does', async (argv) => {
    const fast = parseFast(validate, argv);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await viaYargs(validate, argv));
  });

  it.each([
    [['--frobnicate']],
    [['--format', 'xml']],
    [['--format']],
    [['--format', 'json', '--format', 'github']],
    [['--strict', 'false', 'pipelines']],
    [['--no-color', 'pipelines']],
    [['--help']],
    [['-h']],
    [['--', '--strict']],
    [['-x']],
  ])('leaves %j to yargs', (argv) => {
    expect(parseFast(validate, argv)).toBeUndefined();
  });
});
