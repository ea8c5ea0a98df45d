/**
 * Every `syncd` command as data: usage, summary, positional, options, examples and how it runs.
 * Only this light table loads at start. From it, yargs is configured (help, errors, edge cases),
 * the common invocations are parsed without loading yargs at all, and `syncd --help` is printed.
 * A command's implementation is imported only when it runs.
 */
import type { CommandIO } from '../io.js';

export interface OptionSpec {
  type: 'string' | 'boolean' | 'number';
  describe: string;
  default?: string | boolean | number | string[];
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** Repeatable: the values form a list. */
  array?: boolean;
}

export interface PositionalSpec {
  name: string;
  describe: string;
  /** Takes any number of values. */
  array: boolean;
  default?: string[];
  /** Must be given (`<name>` in the usage line). */
  required?: boolean;
  type?: 'string' | 'number';
  choices?: readonly string[];
}

export interface CliCommand {
  /** The word that selects the command. */
  name: string;
  summary: string;
  positional?: PositionalSpec;
  /** Several positionals, in order (the last one may be an array). */
  positionals?: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  examples: ReadonlyArray<readonly [string, string]>;
  /** Runs the command with the parsed arguments; resolves to the exit code. */
  run(args: Record<string, unknown>, io: CommandIO): Promise<number>;
}

/** The positionals of a command, in order. */
export function positionalsOf(c: CliCommand): readonly PositionalSpec[] {
  return c.positionals ?? (c.positional ? [c.positional] : []);
}

/** The yargs command string: `validate [paths..]`, `dlq <action> [ids..]`. */
export function usageOf(c: CliCommand): string {
  const parts = positionalsOf(c).map((p) => {
    const inner = `${p.name}${p.array ? '..' : ''}`;
    return p.required ? `<${inner}>` : `[${inner}]`;
  });
  return [c.name, ...parts].join(' ');
}

const validate: CliCommand = {
  name: 'validate',
  summary: 'Check connector and pipeline files offline (schema, references, JSONata, policies)',
  positional: { name: 'paths', describe: 'Files or folders to check', array: true, default: ['connectors', 'pipelines'] },
  options: {
    format: { type: 'string', choices: ['human', 'json', 'github'], default: 'human', describe: 'Output format' },
    strict: { type: 'boolean', default: false, describe: 'Treat warnings as errors' },
    color: { type: 'boolean', default: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, describe: 'Colour the output' },
  },
  examples: [
    ['syncd validate', 'check connectors/ and pipelines/'],
    ['syncd validate pipelines/queast.yaml connectors/', 'one pipeline with the connectors it names'],
    ['syncd validate --format json . | jq .diagnostics', 'machine-readable output'],
  ],
  async run(a, io) {
    const { runValidate } = await import('./validate.js');
    return runValidate({ paths: a.paths as string[], format: a.format as 'human' | 'json' | 'github', strict: a.strict as boolean, color: a.color as boolean }, io);
  },
};

import { RUNTIME_COMMANDS } from './runtimeCommands.js';
import { OPERATOR_COMMANDS } from './operatorCommands.js';

/** All commands, in the order `syncd --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [validate, ...RUNTIME_COMMANDS, ...OPERATOR_COMMANDS];
