/**
 * `syncd validate` as CI runs it: the compiled CLI in a child process (`npm test` builds dist/
 * first), its exit codes, its three output formats, and no stack trace for any user mistake.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { COMMANDS, usageOf } from '../../src/cli/commands/definitions.js';
import { SYNCD_VERSION } from '../../src/version.js';
import { registerMigration, supportedApiVersions } from '../../src/spec/migrations/index.js';
import type { Diagnostic } from '../../src/spec/diagnostics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = 'test/spec/corpus';
const FIXTURES = `${CORPUS}/fixtures`;
const STACK_FRAME = /^\s{4}at /m;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function syncd(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/syncd', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', SYNCD_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // Whatever the input, a user never sees a stack trace.
      expect(stdout).not.toMatch(STACK_FRAME);
      expect(stderr).not.toMatch(STACK_FRAME);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('syncd validate (child process)', () => {
  it('exits 0 on the example files and says so', async () => {
    const r = await syncd(['validate', 'connectors', 'pipelines']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ 20 files valid$/m);
    expect(r.stderr).toBe('');
  });

  it('exits 1 with a caret excerpt and a did-you-mean in human output', async () => {
    const r = await syncd(['validate', `${CORPUS}/pipeline-unknown-field-shedule.yaml`, FIXTURES]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${CORPUS}/pipeline-unknown-field-shedule.yaml:10:5  error  unknown field \`shedule\` — did you mean \`schedule\`?  [schema-unknown-field]`);
    expect(r.stdout).toContain('  at spec.source.shedule\n  10 |     shedule: { every: 30s }\n     |     ^^^^^^^\n');
    expect(r.stdout).toContain('hint: fields allowed here: type, connector, table, schedule, cursor');
    expect(r.stdout).toMatch(/^1 error, 0 warnings in 4 files$/m);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('shows the excerpt for files that stopped at the header, too', async () => {
    const r = await syncd(['validate', `${CORPUS}/api-version-unknown-v2.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('supported: syncd.dev/v1');
    expect(r.stdout).toContain('   1 | apiVersion: syncd.dev/v2\n     |             ^^^^^^^^^^^^\n');
  });

  it('prints every field of every diagnostic with --format json', async () => {
    const r = await syncd(['validate', '--format', 'json', CORPUS]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; files: number; diagnostics: Diagnostic[] };
    expect(out.ok).toBe(false);
    expect(out.files).toBeGreaterThan(45);
    expect(out.diagnostics.length).toBeGreaterThan(45);
    for (const d of out.diagnostics) {
      expect(Object.keys(d)).toEqual(expect.arrayContaining(['file', 'line', 'col', 'severity', 'code', 'message', 'path']));
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
      expect(['error', 'warning']).toContain(d.severity);
    }
    expect(out.diagnostics).toContainEqual(
      expect.objectContaining({ file: `${CORPUS}/pipeline-owner-enum-typo.yaml`, line: 13, col: 50, severity: 'error', code: 'schema-enum', path: 'spec.fields["account.name"].owner' }),
    );
  });

  it('prints workflow commands with --format github', async () => {
    const r = await syncd(['validate', '--format', 'github', `${CORPUS}/ref-unknown-table-source.yaml`, `${CORPUS}/semantic-dead-letter-off-warning.yaml`, FIXTURES]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(
      `::error file=${CORPUS}/ref-unknown-table-source.yaml,line=9,col=12,endColumn=19,title=syncd ref-unknown-table::connector \`db\` has no table \`account\` — did you mean \`accounts\`? (at spec.source.table)`,
    );
    expect(lines.find((l) => l.startsWith('::warning '))).toMatch(/^::warning file=test\/spec\/corpus\/semantic-dead-letter-off-warning\.yaml,line=19,col=19,.*title=syncd dead-letter-off::/);
    expect(lines.at(-1)).toBe('1 error, 1 warning in 5 files');
  });

  it('passes a warning, and fails it with --strict', async () => {
    const args = ['validate', `${CORPUS}/semantic-dead-letter-off-warning.yaml`, FIXTURES];
    const lenient = await syncd(args);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('[dead-letter-off]');
    const strict = await syncd([...args, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('0 errors, 1 warning in 4 files (--strict: warnings fail)');
  });

  it.each([
    [['validate', '--frobnicate', 'connectors'], /Unknown argument: frobnicate/],
    [['nosuch'], /Unknown argument: nosuch/],
    [[], /Name a command/],
    [['validate', '--format', 'xml', 'connectors'], /Argument: format, Given: "xml"/],
  ])('exits 2 on a usage error (%j) before running anything', async (args, message) => {
    const r = await syncd(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Run `syncd --help` for usage.');
    expect(r.stdout).toBe('');
  });

  it('exits 2 when a folder holds no spec file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'syncd-empty-'));
    try {
      const r = await syncd(['validate', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no .yaml files found');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reports a missing path as a diagnostic, not a crash', async () => {
    const r = await syncd(['validate', 'pipelines/does-not-exist.yaml', 'connectors']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('pipelines/does-not-exist.yaml:1:1  error  no such file or folder  [file-unreadable]');
  });

  it('survives binary, oversized and whole-corpus input without a stack trace', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'syncd-odd-'));
    try {
      await writeFile(path.join(dir, 'binary.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]));
      await writeFile(path.join(dir, 'huge.yaml'), 'a: ' + 'x'.repeat(2 * 1024 * 1024) + '\n');
      const r = await syncd(['validate', dir, CORPUS]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('[file-not-text]');
      expect(r.stdout).toContain('[file-too-large]');
      expect(r.stdout).not.toContain('internal error');
      expect(r.stderr).toBe('');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('answers --help with every command, and each command its own --help', async () => {
    const top = await syncd(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout.startsWith('syncd <command> [options]\n')).toBe(true);
    for (const c of COMMANDS) {
      expect(top.stdout).toMatch(new RegExp(`^  syncd ${usageOf(c).replace(/[.[\]]/g, '\\$&')}\\s`, 'm'));
      const own = await syncd([c.name, '--help']);
      expect(own.code).toBe(0);
      for (const option of Object.keys(c.options)) expect(own.stdout).toContain(`--${option}`);
    }
  });

  it('answers --version', async () => {
    const r = await syncd(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${SYNCD_VERSION}\n`);
  });
});

describe('apiVersion migrations (in process)', () => {
  let dir: string;
  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { code, out, err };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'syncd-migrate-'));
    // A synthetic older format: the poll interval was a flat `interval` on the source.
    registerMigration({
      from: 'syncd.dev/v0',
      to: 'syncd.dev/v1',
      summary: '`source.interval` became `source.schedule.every`',
      migrate(doc) {
        const spec = doc.spec as { source?: Record<string, unknown> } | undefined;
        const source = spec?.source;
        if (!source || source.interval === undefined) return doc;
        const { interval, ...rest } = source;
        return { ...doc, spec: { ...spec, source: { ...rest, schedule: { every: interval } } } };
      },
    });
    await writeFile(
      path.join(dir, 'old.yaml'),
      [
        'apiVersion: syncd.dev/v0',
        'kind: Pipeline',
        'metadata:',
        '  name: old-format',
        'spec:',
        '  source:',
        '    type: table',
        '    connector: db',
        '    table: accounts',
        '    interval: 30s',
        '    cursor: { field: updated_at }',
        '  fields:',
        '    account.name: { from: name, to: name, owner: local_wins }',
        '  target: { connector: crm, object: accounts, operation: create }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validates a file of the old version, with a deprecation warning', async () => {
    const r = await run(['validate', '--format', 'json', path.join(dir, 'old.yaml'), path.join(ROOT, FIXTURES)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { diagnostics: Diagnostic[] };
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ code: 'api-version-deprecated', severity: 'warning', line: 1, col: 13, path: 'apiVersion', message: expect.stringContaining('`source.interval` became `source.schedule.every`') }),
    ]);
  });

  it('fails the deprecated version under --strict', async () => {
    const r = await run(['validate', '--strict', path.join(dir, 'old.yaml'), path.join(ROOT, FIXTURES)]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('[api-version-deprecated]');
    expect(r.out).toContain('hint: change it to `syncd.dev/v1`');
  });

  it('lists the migrated version among the supported ones', async () => {
    expect(supportedApiVersions()).toEqual(['syncd.dev/v0', 'syncd.dev/v1']);
    const r = await run(['validate', path.join(ROOT, CORPUS, 'api-version-unknown-v2.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('apiVersion `syncd.dev/v2` is not supported; supported: syncd.dev/v0, syncd.dev/v1');
  });
});
