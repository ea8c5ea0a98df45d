/**
 * Every problem syncd finds in a user's files is a Diagnostic: plain data with a stable code, so
 * CI output is machine-readable and tests can pin exact codes and positions.
 */

export type Severity = 'error' | 'warning';

/** Stable diagnostic codes. Never rename one: users grep for them and suppress by them. */
export const DIAGNOSTIC_CODES = {
  // reading the file
  'file-unreadable': 'the file cannot be read',
  'file-empty': 'the file holds no document',
  'file-too-large': 'the file is larger than a spec file may be',
  'file-not-text': 'the file is not UTF-8 text',
  // YAML syntax
  'yaml-syntax': 'YAML syntax error',
  'yaml-duplicate-key': 'a mapping has the same key twice',
  'yaml-alias-limit': 'aliases expand past the safe limit',
  'yaml-multiple-documents': 'a spec file holds exactly one YAML document',
  'yaml-not-mapping': 'the document is not a mapping',
  // header
  'api-version-missing': 'apiVersion is missing',
  'api-version-unknown': 'apiVersion is not supported',
  'api-version-deprecated': 'apiVersion is deprecated',
  'kind-unknown': 'kind is not Connector or Pipeline',
  // schema
  'schema-required': 'a required field is missing',
  'schema-unknown-field': 'a field is not part of the format',
  'schema-type': 'a value has the wrong type',
  'schema-enum': 'a value is not one of the allowed values',
  'schema-pattern': 'a value does not have the required form',
  'schema-range': 'a value is out of range',
  'schema-invalid': 'a value does not fit the format',
  'inline-secret': 'a secret is written inline instead of referenced',
  // references between files
  'ref-duplicate-name': 'two files declare the same name',
  'ref-unknown-connector': 'the connector does not exist',
  'ref-unknown-object': 'the connector has no such object',
  'ref-unknown-operation': 'the object has no such operation',
  'ref-unknown-property': 'the object has no such property',
  'ref-unknown-table': 'the database connector has no such table',
  'ref-unknown-column': 'the table has no such column',
  'ref-operation-kind': 'the operation is of the wrong kind for this use',
  'ref-operation-object': 'operations that work together are of different objects',
  'ref-unknown-hook': 'no vendor hook module of that name exists',
  'ref-unknown-pipeline': 'the pipeline does not exist',
  // JSONata
  'jsonata-syntax': 'the JSONata expression does not compile',
  // semantic checks
  'thresholds-order': 'match thresholds are out of order',
  'match-key-crm-owned': 'a match key would be overwritten by the CRM',
  'match-needs-update': 'records matched to existing CRM records have no operation to update them by id',
  'match-not-searched': 'key and name matchers apply only when the CRM is the target',
  'immutable-computed': 'an immutable field is written by a computed expression',
  'batch-exceeds-limit': 'the batch size exceeds what the operation accepts',
  'webhook-unsupported': 'the connector does not receive webhooks',
  'change-events-unsupported': 'the connector streams no changes of the object',
  'source-shared': 'two pipelines read the same stream of events, and each event is processed once',
  'transport-mismatch': 'the operation does not fit the connector transport',
  'duration-invalid': 'a duration cannot be read',
  'target-not-writable': 'the target cannot be written',
  'target-not-readable': 'the merge cannot see the CRM\'s current values',
  'dead-letter-off': 'failed writes would be dropped',
  'reference-not-linkable': 'a field reference cannot be resolved through links to this pipeline\'s CRM',
  // CLI
  'no-files': 'no spec files were found',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Where the problem ends on the same line (exclusive), for the caret excerpt. */
  endCol?: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** YAML path, e.g. `spec.source.schedule.every`; empty for the whole file. */
  path: string;
  /** Extra help shown under the message. */
  hint?: string;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
}

/** Renders a path array the way users read it: `spec.fields["deal.stage"].owner`, `spec.transforms[0]`. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
