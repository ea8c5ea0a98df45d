/**
 * The top-level `syncd --help`, rendered from the command table. It is what a newcomer runs
 * first, so it does not wait for yargs to load; `syncd <command> --help` is yargs' own.
 */
import { usageOf, type CliCommand } from './commands/definitions.js';

export const USAGE = 'syncd <command> [options]';
export const DESCRIPTION = 'A declarative CRM sync engine: versioned YAML connectors and pipelines, run as durable streaming syncs.';

export const EPILOGUE = `Files:
  connectors/*.yaml   systems syncd talks to (kind: Connector)
  pipelines/*.yaml    flows between them (kind: Pipeline)
  schemas/            JSON Schemas for editors: add
                      # yaml-language-server: $schema=../schemas/pipeline.v1.schema.json

Examples:
  syncd validate connectors/ pipelines/          check everything, as CI does
  syncd validate --format github pipelines/      annotations on a pull request
  syncd demo                                     the Quotey → HubSpot scenario on a local simulator
  syncd run --once                               poll every pipeline once and deliver
  syncd simulate hubspot --port 4010             a local HubSpot to develop against

Docs: README.md and docs/ in the repository.`;

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function topLevelHelp(commands: readonly CliCommand[], width = 100): string {
  const rows = commands.map((c): [string, string] => [`syncd ${usageOf(c)}`, c.summary]);
  const options: Array<[string, string]> = [
    ['--version', 'Show version number'],
    ['--help', 'Show help'],
  ];
  const table = (list: Array<[string, string]>): string[] => {
    const left = Math.max(...list.map(([l]) => l.length)) + 2;
    return list.flatMap(([l, r]) => wrap(r, Math.max(20, width - left - 2)).map((part, i) => `  ${(i === 0 ? l : '').padEnd(left)}${part}`));
  };
  return [USAGE, '', ...wrap(DESCRIPTION, width), '', 'Commands:', ...table(rows), '', 'Options:', ...table(options), '', EPILOGUE, ''].join('\n');
}
