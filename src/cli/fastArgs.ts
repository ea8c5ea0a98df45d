/**
 * Parses the plain, valid invocations of a command (`syncd validate --format json pipelines/`)
 * with node:util instead of yargs, which takes a quarter of a second to load. Anything unusual —
 * help, an unknown flag, a bad value, a negated flag, a value yargs would read differently — is
 * left to yargs, which stays the single authority for errors and help.
 */
import { parseArgs } from 'node:util';
import type { CliCommand } from './commands/definitions.js';

export function parseFast(command: CliCommand, args: string[]): Record<string, unknown> | undefined {
  // Only the simple shapes (one positional, string and boolean options) are parsed here.
  if (command.positionals || Object.values(command.options).some((o) => o.type === 'number' || o.array)) return undefined;
  // yargs reads `--strict false` as a value and `--no-color` as a negation; parseArgs does neither.
  if (args.some((a) => a === '--' || a === 'true' || a === 'false' || a.startsWith('--no-') || a === '-h' || a === '--help' || a === '--version')) return undefined;
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(command.options)) options[name] = { type: spec.type as 'string' | 'boolean' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
  // A repeated option is a list to yargs and the last value to parseArgs.
  const seen = (parsed.tokens ?? []).filter((t) => t.kind === 'option').map((t) => (t as { name: string }).name);
  if (new Set(seen).size !== seen.length) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = parsed.values[name] ?? spec.default;
    // Values outside the choices get yargs' wording.
    if (spec.choices && !spec.choices.includes(String(value))) return undefined;
    out[name] = value;
  }
  const positionals = parsed.positionals;
  if (command.positional) {
    if (!command.positional.array && positionals.length > 1) return undefined;
    const values = positionals.length ? positionals : (command.positional.default ?? []);
    out[command.positional.name] = command.positional.array ? values : values[0];
  } else if (positionals.length) return undefined;
  return out;
}
