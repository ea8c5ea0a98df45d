/** Command table entries for operators, over the state store. Implementations load when they run. */
import type { CliCommand, OptionSpec } from './definitions.js';
import { storeOption } from './runtimeCommands.js';

const common: Record<string, OptionSpec> = {
  store: storeOption,
  tenant: { type: 'string', default: 'default', describe: 'Tenant whose rows to show or change' },
  json: { type: 'boolean', default: false, describe: 'Print rows as JSON' },
  by: { type: 'string', default: process.env.USER ?? 'operator', describe: 'Who is acting (kept in the audit trail)' },
};

function storeArgs(a: Record<string, unknown>) {
  return { ...(a.store ? { store: a.store as string } : {}), tenant: a.tenant as string, json: a.json as boolean };
}

const status: CliCommand = {
  name: 'status',
  summary: 'Cursor, queue depth and age, and connection health per pipeline',
  options: { ...common, pipeline: { type: 'string', describe: 'Only this pipeline' } },
  examples: [['syncd status --store postgres://syncd@db/syncd', 'is anything stuck?']],
  async run(a, io) {
    const { runStatus } = await import('./operator.js');
    return runStatus({ ...storeArgs(a), ...(a.pipeline ? { pipeline: a.pipeline as string } : {}) }, io);
  },
};

const dlq: CliCommand = {
  name: 'dlq',
  summary: 'Dead letter queue: list, replay (same idempotency keys) or discard writes that exhausted their retries; a letter whose record has a newer write is closed as superseded, not replayed',
  positionals: [
    { name: 'action', describe: 'list | replay | discard', array: false, required: true, choices: ['list', 'replay', 'discard'] },
    { name: 'ids', describe: 'Dead letter ids', array: true, type: 'number' },
  ],
  options: { ...common, pipeline: { type: 'string', describe: 'Only this pipeline' }, all: { type: 'boolean', default: false, describe: 'Every open dead letter (of --pipeline)' } },
  examples: [
    ['syncd dlq list', 'what failed and why'],
    ['syncd dlq replay 12 13', 'queue two writes again'],
  ],
  async run(a, io) {
    const { runDlq } = await import('./operator.js');
    return runDlq({ ...storeArgs(a), action: a.action as 'list' | 'replay' | 'discard', ids: ((a.ids as number[] | undefined) ?? []).map(Number), ...(a.pipeline ? { pipeline: a.pipeline as string } : {}), all: a.all as boolean, by: a.by as string }, io);
  },
};

const review: CliCommand = {
  name: 'review',
  summary: 'Identity review queue: list matches (auto-linked ones included), approve or reject one',
  positionals: [
    { name: 'action', describe: 'list | approve | reject', array: false, required: true, choices: ['list', 'approve', 'reject'] },
    { name: 'id', describe: 'Match id', array: false, type: 'number' },
  ],
  options: { ...common, status: { type: 'string', choices: ['pending', 'auto_linked', 'approved', 'rejected'], describe: 'Only matches in this state' }, pipeline: { type: 'string', describe: 'Only this pipeline' } },
  examples: [['syncd review list --status pending', 'matches waiting for a decision']],
  async run(a, io) {
    const { runReview } = await import('./operator.js');
    return runReview(
      { ...storeArgs(a), action: a.action as 'list' | 'approve' | 'reject', ...(a.id !== undefined ? { id: Number(a.id) } : {}), ...(a.status ? { status: a.status as 'pending' } : {}), ...(a.pipeline ? { pipeline: a.pipeline as string } : {}), by: a.by as string },
      io,
    );
  },
};

const reconcile: CliCommand = {
  name: 'reconcile',
  summary: 'Reconciliation items (conflicts, mapping errors, drift): list or resolve',
  positionals: [
    { name: 'action', describe: 'list | resolve', array: false, required: true, choices: ['list', 'resolve'] },
    { name: 'id', describe: 'Item id', array: false, type: 'number' },
  ],
  options: { ...common, kind: { type: 'string', choices: ['conflict', 'mapping', 'drift'], describe: 'Only this kind' }, pipeline: { type: 'string', describe: 'Only this pipeline' }, note: { type: 'string', describe: 'What was done (kept with the item)' } },
  examples: [['syncd reconcile resolve 7 --note "fixed the stage in HubSpot"', 'close an item']],
  async run(a, io) {
    const { runReconcile } = await import('./operator.js');
    return runReconcile(
      { ...storeArgs(a), action: a.action as 'list' | 'resolve', ...(a.id !== undefined ? { id: Number(a.id) } : {}), ...(a.kind ? { kind: a.kind as 'conflict' } : {}), ...(a.pipeline ? { pipeline: a.pipeline as string } : {}), ...(a.note ? { note: a.note as string } : {}), by: a.by as string },
      io,
    );
  },
};

const reconnect: CliCommand = {
  name: 'reconnect',
  summary: 'Mark a connection reconnected (after fixing its credentials); its waiting writes resume',
  positionals: [{ name: 'connection', describe: 'e.g. default:hubspot', array: false, required: true }],
  options: common,
  examples: [['syncd reconnect default:hubspot', 'after a new refresh token was issued']],
  async run(a, io) {
    const { runReconnect } = await import('./operator.js');
    return runReconnect({ ...storeArgs(a), connection: a.connection as string }, io);
  },
};

const backfill: CliCommand = {
  name: 'backfill',
  summary: 'Re-read a pipeline from the beginning or from a date on its next poll',
  positionals: [{ name: 'pipeline', describe: 'The pipeline to re-read', array: false, required: true }],
  options: { ...common, from: { type: 'string', describe: 'ISO date or date-time to re-read from' } },
  examples: [['syncd backfill queast-companies-hubspot --from 2026-11-01', 'catch up after a mapping fix']],
  async run(a, io) {
    const { runBackfill } = await import('./operator.js');
    return runBackfill({ ...storeArgs(a), pipeline: a.pipeline as string, ...(a.from ? { from: a.from as string } : {}) }, io);
  },
};

const audit: CliCommand = {
  name: 'audit',
  summary: "A record's audit trail: every write intent and outcome, merge decision, match and operator action, oldest first",
  positionals: [{ name: 'record', describe: 'The record key (the pipeline\'s `key`, e.g. a quote id)', array: false, required: true }],
  options: {
    store: common.store as OptionSpec,
    tenant: common.tenant as OptionSpec,
    json: common.json as OptionSpec,
    pipeline: { type: 'string', describe: 'Only this pipeline' },
    since: { type: 'string', describe: 'ISO date or date-time: only entries from then on' },
    limit: { type: 'number', default: 200, describe: 'Most entries to show' },
  },
  examples: [
    ['syncd audit Q-10007', 'what was written for this quote, and what came of it'],
    ['syncd audit qc-3 --pipeline queast-companies-hubspot --json', 'every entry with its before and after values'],
  ],
  async run(a, io) {
    const { runAudit } = await import('./operator.js');
    return runAudit({ ...storeArgs(a), record: String(a.record), ...(a.pipeline ? { pipeline: a.pipeline as string } : {}), ...(a.since ? { since: a.since as string } : {}), limit: Number(a.limit) }, io);
  },
};

export const OPERATOR_COMMANDS: readonly CliCommand[] = [status, dlq, review, reconcile, reconnect, backfill, audit];
