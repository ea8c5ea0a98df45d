/**
 * The broken-file corpus: every file under test/spec/corpus/ holds one mistake, and this table
 * pins the one diagnostic it must produce — code, line, column, and where it matters the YAML
 * path, a message fragment and the source text the position points at. Pipelines are validated
 * together with the small connectors in corpus/fixtures/.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode } from '../../src/spec/diagnostics.js';
import { validatePaths } from '../../src/spec/validate/index.js';

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');
const FIXTURES = path.join(CORPUS, 'fixtures');

interface Case {
  file: string;
  code: DiagnosticCode;
  line: number;
  col: number;
  /** Default: error. */
  severity?: 'warning';
  /** YAML path of the diagnostic; '' for the whole file. */
  path?: string;
  message?: string;
  /** The file's text at line:col starts with this (checks the position lands on the culprit). */
  at?: string;
  /** Other corpus files validated together with this one. */
  with?: string[];
}

const CASES: Case[] = [
  // Reading and YAML
  { file: 'file-empty.yaml', code: 'file-empty', line: 1, col: 1, message: 'no YAML document' },
  { file: 'file-empty-comments-only.yaml', code: 'file-empty', line: 1, col: 1, message: 'no YAML document' },
  { file: 'yaml-syntax-bad-indentation.yaml', code: 'yaml-syntax', line: 4, col: 9, at: 'bad-indent' },
  { file: 'yaml-syntax-tab-indentation.yaml', code: 'yaml-syntax', line: 4, col: 1, message: 'Tabs are not allowed', at: '\tname' },
  { file: 'yaml-syntax-unclosed-flow-mapping.yaml', code: 'yaml-syntax', line: 7, col: 3, message: 'end with a }', at: 'fields:' },
  { file: 'yaml-syntax-unclosed-quote.yaml', code: 'yaml-syntax', line: 4, col: 9, message: 'double-quoted string is never closed', at: '"unclosed' },
  { file: 'not-yaml-ini.yaml', code: 'yaml-syntax', line: 2, col: 1, at: 'name = crm-sync' },
  { file: 'not-yaml-json-lines.yaml', code: 'yaml-syntax', line: 2, col: 1, at: '{"kind"' },
  { file: 'yaml-duplicate-key-fields.yaml', code: 'yaml-duplicate-key', line: 9, col: 5, message: 'the key `account.name` appears twice', at: 'account.name' },
  { file: 'yaml-duplicate-key-top-level.yaml', code: 'yaml-duplicate-key', line: 5, col: 1, message: 'the key `kind` appears twice', at: 'kind: Connector' },
  { file: 'yaml-alias-bomb.yaml', code: 'yaml-alias-limit', line: 7, col: 12, message: 'refusing to expand', at: '*a' },
  { file: 'yaml-multiple-documents.yaml', code: 'yaml-multiple-documents', line: 5, col: 1, message: 'exactly one YAML document', at: '---' },
  { file: 'yaml-not-mapping-list.yaml', code: 'yaml-not-mapping', line: 1, col: 1, message: 'the document is a list' },
  { file: 'yaml-not-mapping-plain-string.yaml', code: 'yaml-not-mapping', line: 2, col: 1, message: 'the document is a plain string', at: 'just some text' },
  // Header
  { file: 'api-version-missing.yaml', code: 'api-version-missing', line: 1, col: 1, message: 'the file has no `apiVersion`' },
  { file: 'api-version-unknown-v2.yaml', code: 'api-version-unknown', line: 1, col: 13, path: 'apiVersion', message: '`syncd.dev/v2` is not supported; supported: syncd.dev/v1', at: 'syncd.dev/v2' },
  { file: 'api-version-unknown-number.yaml', code: 'api-version-unknown', line: 1, col: 13, path: 'apiVersion', message: 'supported: syncd.dev/v1', at: '1' },
  { file: 'kind-unknown-typo.yaml', code: 'kind-unknown', line: 2, col: 7, path: 'kind', message: 'did you mean `Pipeline`?', at: 'Pipelin' },
  { file: 'kind-unknown-lowercase.yaml', code: 'kind-unknown', line: 2, col: 7, path: 'kind', message: 'did you mean `Connector`?', at: 'connector' },
  { file: 'kind-missing.yaml', code: 'kind-unknown', line: 1, col: 1, path: '', message: 'the file has no `kind`' },
  // Schema, one per keyword
  { file: 'pipeline-unknown-field-shedule.yaml', code: 'schema-unknown-field', line: 10, col: 5, path: 'spec.source.shedule', message: 'unknown field `shedule` — did you mean `schedule`?', at: 'shedule:' },
  { file: 'pipeline-unknown-top-level-field.yaml', code: 'schema-unknown-field', line: 5, col: 1, path: 'specs', message: 'unknown field `specs` — did you mean `spec`?', at: 'specs:' },
  { file: 'pipeline-missing-target.yaml', code: 'schema-required', line: 5, col: 1, path: 'spec', message: 'missing the required field `target`', at: 'spec:' },
  { file: 'connector-metadata-missing-name.yaml', code: 'schema-required', line: 3, col: 1, path: 'metadata', message: 'missing the required field `name`', at: 'metadata:' },
  { file: 'connector-sql-missing-database.yaml', code: 'schema-required', line: 5, col: 1, path: 'spec', message: 'missing the required field `database`' },
  { file: 'pipeline-http-target-missing-operation.yaml', code: 'schema-required', line: 14, col: 3, path: 'spec.target', message: 'the target needs `operation`', at: 'target:' },
  { file: 'pipeline-sql-target-missing-table.yaml', code: 'schema-required', line: 14, col: 3, path: 'spec.target', message: 'the target needs `table`', at: 'target:' },
  { file: 'pipeline-batch-size-not-integer.yaml', code: 'schema-type', line: 18, col: 28, path: 'spec.target.delivery.batchSize', message: 'expected a whole number, found the string "ten"', at: 'ten' },
  { file: 'pipeline-fields-is-list.yaml', code: 'schema-type', line: 13, col: 5, path: 'spec.fields', message: 'expected a mapping, found a list', at: '- name' },
  { file: 'pipeline-spec-is-a-string.yaml', code: 'schema-type', line: 5, col: 7, path: 'spec', message: 'expected a mapping', at: 'accounts from db' },
  { file: 'connector-error-status-not-a-code.yaml', code: 'schema-type', line: 9, col: 17, path: 'spec.errors[0].status', message: 'expected a whole number or a list, found the string "429"', at: '"429"' },
  { file: 'pipeline-owner-enum-typo.yaml', code: 'schema-enum', line: 13, col: 50, path: 'spec.fields["account.name"].owner', message: '`crm_win` is not one of: crm_wins, local_wins, merge_with_audit, immutable_after_bind — did you mean `crm_wins`?', at: 'crm_win ' },
  { file: 'pipeline-source-type-unknown.yaml', code: 'schema-enum', line: 7, col: 11, path: 'spec.source.type', message: 'did you mean `table`?', at: 'tabel' },
  { file: 'pipeline-duration-not-a-duration.yaml', code: 'schema-pattern', line: 11, col: 14, path: 'spec.source.schedule.every', message: '`30 seconds` is not a duration', at: '30 seconds' },
  { file: 'pipeline-name-invalid.yaml', code: 'schema-pattern', line: 4, col: 9, path: 'metadata.name', message: '`Accounts_To_CRM` is not a valid name', at: 'Accounts_To_CRM' },
  { file: 'pipeline-canonical-field-name-invalid.yaml', code: 'schema-pattern', line: 13, col: 5, path: 'spec.fields["Account Name"]', message: 'not a valid name here', at: 'Account Name:' },
  { file: 'pipeline-concurrency-out-of-range.yaml', code: 'schema-range', line: 19, col: 20, path: 'spec.target.delivery.concurrency', message: '0 is out of range: it must be >= 1', at: '0' },
  { file: 'pipeline-threshold-above-one.yaml', code: 'schema-range', line: 17, col: 19, path: 'spec.match.rules[0].autoLink', message: '1.5 is out of range: it must be <= 1', at: '1.5' },
  { file: 'connector-error-status-out-of-range.yaml', code: 'schema-range', line: 10, col: 23, path: 'spec.errors[1].status[1]', message: '703 is out of range: it must be <= 599', at: '703' },
  { file: 'connector-rate-utilization-zero.yaml', code: 'schema-range', line: 10, col: 18, path: 'spec.rateLimit.utilization', message: '0 is out of range: it must be > 0', at: '0\n' },
  { file: 'pipeline-match-rules-empty.yaml', code: 'schema-range', line: 13, col: 12, path: 'spec.match.rules', message: 'at least 1 item', at: '[]' },
  { file: 'pipeline-empty-string-field.yaml', code: 'schema-range', line: 12, col: 8, path: 'spec.key', message: 'must not be empty', at: '""' },
  { file: 'connector-inline-secret-oauth.yaml', code: 'inline-secret', line: 11, col: 19, path: 'spec.auth.clientSecret', message: '`clientSecret` holds a secret written inline', at: 's3cr3t-value-123' },
  { file: 'connector-inline-secret-webhook.yaml', code: 'inline-secret', line: 10, col: 41, path: 'spec.webhooks.verify.secret', message: '`secret` holds a secret written inline', at: '"abcdef' },
  // References between files
  { file: 'ref-duplicate-name-b.yaml', with: ['ref-duplicate-name-a.yaml'], code: 'ref-duplicate-name', line: 4, col: 9, path: 'metadata.name', message: 'pipeline `shared-name` is already declared in', at: 'shared-name' },
  { file: 'ref-unknown-connector-source.yaml', code: 'ref-unknown-connector', line: 8, col: 16, path: 'spec.source.connector', message: 'no connector named `dbb` — did you mean `db`?', at: 'dbb' },
  { file: 'ref-unknown-object-target.yaml', code: 'ref-unknown-object', line: 16, col: 13, path: 'spec.target.object', message: 'did you mean `accounts`?', at: 'acounts' },
  { file: 'ref-unknown-object-tenant-target.yaml', code: 'ref-unknown-object', line: 20, col: 25, path: 'spec.tenants.acme.target.object', message: 'did you mean `leads`?', at: 'leeds' },
  { file: 'ref-unknown-property-tenant-target.yaml', code: 'ref-unknown-property', line: 14, col: 41, path: 'spec.fields["account.domain"].to', message: 'tenant `acme` writes `leads`, which has no property `domain`', at: 'domain' },
  { file: 'ref-unknown-operation-tenant-update.yaml', code: 'ref-unknown-operation', line: 20, col: 34, path: 'spec.tenants.acme.target.updateOperation', message: 'has no operation `patch`', at: 'patch' },
  { file: 'ref-unknown-operation-target.yaml', code: 'ref-unknown-operation', line: 17, col: 16, path: 'spec.target.operation', message: 'no operation `upsert`', at: 'upsert' },
  { file: 'ref-unknown-operation-poll-source.yaml', code: 'ref-unknown-operation', line: 10, col: 16, path: 'spec.source.operation', message: 'did you mean `search`?', at: 'serch' },
  { file: 'ref-unknown-operation-update-operation.yaml', code: 'ref-unknown-operation', line: 18, col: 22, path: 'spec.target.updateOperation', message: 'no operation `patch`', at: 'patch' },
  { file: 'ref-unknown-operation-webhook-fetch.yaml', code: 'ref-unknown-operation', line: 11, col: 12, path: 'spec.source.fetch', message: 'no operation `read`', at: 'read' },
  { file: 'connector-webhook-subscribe-unknown-operation.yaml', code: 'ref-unknown-operation', line: 23, col: 18, path: 'spec.webhooks.subscribe.operation', message: 'not an operation of this connector', at: 'webhooks.add' },
  { file: 'connector-webhook-subscribe-wrong-kind.yaml', code: 'ref-operation-kind', line: 25, col: 15, path: 'spec.webhooks.subscribe.delete', message: '`subscribe.delete` needs a `delete` one', at: 'webhooks.list' },
  { file: 'connector-webhook-subscribe-other-object.yaml', code: 'ref-operation-object', line: 24, col: 13, path: 'spec.webhooks.subscribe.list', message: 'must share one object', at: 'deals.list' },
  { file: 'connector-webhook-subscribe-unknown-name-property.yaml', code: 'ref-unknown-property', line: 28, col: 21, path: 'spec.webhooks.subscribe.nameProperty', message: 'no property `title` to name subscriptions by', at: 'title' },
  { file: 'ref-operation-kind-target-is-list.yaml', code: 'ref-operation-kind', line: 17, col: 16, path: 'spec.target.operation', message: 'is a `list`, which does not write', at: 'list' },
  { file: 'ref-operation-kind-poll-source-is-create.yaml', code: 'ref-operation-kind', line: 10, col: 16, path: 'spec.source.operation', message: 'a poll source needs a `list` or `search`', at: 'create' },
  { file: 'ref-operation-kind-update-operation-is-get.yaml', code: 'ref-operation-kind', line: 18, col: 22, path: 'spec.target.updateOperation', message: '`updateOperation` needs an `update` or `batchUpdate`', at: 'get' },
  { file: 'ref-operation-kind-table-source-on-http-connector.yaml', code: 'ref-operation-kind', line: 8, col: 16, path: 'spec.source.connector', message: 'is not a database', at: 'crm' },
  { file: 'ref-unknown-property-field-to.yaml', code: 'ref-unknown-property', line: 14, col: 41, path: 'spec.fields["account.domain"].to', message: 'the target has no property `domian` — did you mean `domain`?', at: 'domian' },
  { file: 'ref-unknown-property-field-from.yaml', code: 'ref-unknown-property', line: 13, col: 27, path: 'spec.fields["account.name"].from', message: 'the source has no field `nmae` — did you mean `name`?', at: 'nmae' },
  { file: 'ref-unknown-property-match-rule.yaml', code: 'ref-unknown-property', line: 16, col: 19, path: 'spec.match.rules[0].property', message: 'no property `website`', at: 'website' },
  { file: 'connector-upsert-id-property-unknown.yaml', code: 'ref-unknown-property', line: 18, col: 23, path: 'spec.objects.deals.operations.upsert.idProperty', message: '`external_id` is not a property of `deals`', at: 'external_id' },
  { file: 'connector-update-reads-unknown-property.yaml', code: 'ref-unknown-property', line: 18, col: 27, path: 'spec.objects.persons.operations.update.reads[1]', message: '`phones` is not a property of `persons`', at: 'phones' },
  { file: 'reference-unknown-pipeline.yaml', with: ['ref-duplicate-name-a.yaml'], code: 'ref-unknown-pipeline', line: 13, col: 72, path: 'spec.fields["event.account"].reference', message: 'no pipeline named `shared-nam` — did you mean `shared-name`?', at: 'shared-nam ' },
  { file: 'reference-other-crm.yaml', with: ['ref-duplicate-name-a.yaml'], code: 'reference-not-linkable', line: 14, col: 72, path: 'spec.fields["event.account"].reference', message: 'pipeline `shared-name` links its records to `crm`, but this pipeline writes to `plain`', at: 'shared-name' },
  { file: 'reference-from-crm-source.yaml', with: ['ref-duplicate-name-a.yaml'], code: 'reference-not-linkable', line: 13, col: 71, path: 'spec.fields["account.name"].reference', message: 'this pipeline reads from `crm`, not from a local table', at: 'shared-name' },
  { file: 'ref-unknown-table-source.yaml', code: 'ref-unknown-table', line: 9, col: 12, path: 'spec.source.table', message: 'no table `account` — did you mean `accounts`?', at: 'account' },
  { file: 'ref-unknown-column-cursor.yaml', code: 'ref-unknown-column', line: 11, col: 22, path: 'spec.source.cursor.field', message: 'no column `modified_at`', at: 'modified_at' },
  { file: 'connector-unknown-hook-module.yaml', code: 'ref-unknown-hook', line: 7, col: 10, path: 'spec.hooks', message: 'no vendor hook module `hubspott` — did you mean `hubspot`?', at: 'hubspott' },
  { file: 'connector-unknown-hook-function.yaml', code: 'ref-unknown-hook', line: 16, col: 28, path: 'spec.objects.deals.operations.get.hooks.decode', message: 'did you mean `hubspot.decodeRecord`?', at: 'hubspot.decodeRecords' },
  // JSONata: the position is the offending token's, inside any scalar style
  { file: 'jsonata-syntax-plain-scalar.yaml', code: 'jsonata-syntax', line: 14, col: 36, path: 'spec.transforms[0].expression', message: 'Expected "]", got "won" (S0202)', at: '"won"]' },
  { file: 'jsonata-syntax-single-quoted-scalar.yaml', code: 'jsonata-syntax', line: 13, col: 41, path: 'spec.fields["account.name"].expr', message: 'The symbol "&" cannot be used as a unary operator', at: '& name' },
  { file: 'jsonata-syntax-double-quoted-with-escapes.yaml', code: 'jsonata-syntax', line: 14, col: 34, path: 'spec.fields["account.name"].expr', message: 'Syntax error: "]"', at: ']"' },
  { file: 'jsonata-syntax-block-literal-line-2.yaml', code: 'jsonata-syntax', line: 17, col: 40, path: 'spec.transforms[0].expression', message: 'The symbol "," cannot be used as a unary operator', at: ',\n' },
  { file: 'jsonata-syntax-block-literal-line-3-indented.yaml', code: 'jsonata-syntax', line: 18, col: 35, path: 'spec.transforms[0].expression', message: 'Expected "}", got "trim"', at: '$trim(title)' },
  { file: 'jsonata-syntax-folded-block-line-2.yaml', code: 'jsonata-syntax', line: 17, col: 17, path: 'spec.transforms[0].expression', message: 'Syntax error: "exists"', at: '$exists(domain)' },
  { file: 'jsonata-syntax-unterminated-string.yaml', code: 'jsonata-syntax', line: 14, col: 27, path: 'spec.transforms[0].expression', message: 'String literal must be terminated', at: '"open and domain' },
  { file: 'jsonata-syntax-unexpected-end.yaml', code: 'jsonata-syntax', line: 13, col: 43, path: 'spec.fields["account.name"].expr', message: 'Expected ")" before end of expression', at: "', to:" },
  { file: 'connector-jsonata-body-syntax.yaml', code: 'jsonata-syntax', line: 20, col: 15, path: 'spec.objects.deals.operations.create.body', message: 'Expected "}", got "source"', at: '"source": "syncd"' },
  // Semantic checks
  { file: 'semantic-thresholds-review-above-auto-link.yaml', code: 'thresholds-order', line: 18, col: 17, path: 'spec.match.rules[0].review', message: '`review` (0.9) must be lower than `autoLink` (0.8)', at: '0.9' },
  { file: 'semantic-match-key-crm-owned.yaml', code: 'match-key-crm-owned', line: 16, col: 19, path: 'spec.match.rules[0].property', message: 'match key `domain` is the target of field `account.domain`, which is `crm_wins`', at: 'domain' },
  { file: 'semantic-match-needs-update.yaml', code: 'match-needs-update', line: 23, col: 3, path: 'spec.target', message: 'records matched by `domain` to existing `accounts` are updated by their id, but the target has no `updateOperation`', at: 'target' },
  { file: 'semantic-match-lookup-unknown.yaml', code: 'ref-unknown-operation', line: 17, col: 17, path: 'spec.match.rules[0].lookup', message: '`domain` matching searches `accounts` with its operation `findByDomain`, which it does not have', at: 'findByDomain' },
  { file: 'semantic-match-not-searched-warning.yaml', code: 'match-not-searched', severity: 'warning', line: 14, col: 15, path: 'spec.match.rules[0].type', message: 'in this direction only `link` and `externalId` rules match', at: 'domain' },
  { file: 'semantic-immutable-computed.yaml', code: 'immutable-computed', line: 13, col: 25, path: 'spec.fields["account.id"].expr', message: 'immutable_after_bind but computed', at: `'"db-" & id'` },
  { file: 'semantic-batch-exceeds-max-batch.yaml', code: 'batch-exceeds-limit', line: 19, col: 18, path: 'spec.target.delivery.batchSize', message: 'batchSize 200 exceeds what `batchUpsert` accepts (50)', at: '200' },
  { file: 'semantic-batch-on-single-record-operation.yaml', code: 'batch-exceeds-limit', line: 18, col: 28, path: 'spec.target.delivery.batchSize', message: 'batchSize 10 exceeds what `create` accepts (1)', at: '10 }' },
  { file: 'connector-batch-without-max-batch-warning.yaml', code: 'batch-exceeds-limit', severity: 'warning', line: 12, col: 9, path: 'spec.objects.deals.operations.batchCreate', message: 'should declare `maxBatch`', at: 'batchCreate:' },
  { file: 'semantic-target-table-not-writable.yaml', code: 'target-not-writable', line: 16, col: 12, path: 'spec.target.table', message: 'table `events` is not declared `writable: true`', at: 'events' },
  { file: 'semantic-target-not-readable-warning.yaml', code: 'target-not-readable', severity: 'warning', line: 15, col: 39, path: 'spec.target.object', message: 'field `contact.name` is merge_with_audit, but `contacts` has no `get` or `batchRead` operation', at: 'contacts' },
  { file: 'semantic-target-not-readable-tenant-warning.yaml', code: 'target-not-readable', severity: 'warning', line: 21, col: 25, path: 'spec.tenants.acme.target.object', message: 'field `account.name` is crm_wins, but `leads` (tenant `acme`) has no `get` or `batchRead` operation', at: 'leads' },
  { file: 'semantic-read-only-target-property.yaml', code: 'target-not-writable', line: 14, col: 34, path: 'spec.fields["account.crm"].to', message: '`crm_id` is read-only in `crm`', at: 'crm_id' },
  { file: 'semantic-dead-letter-off-warning.yaml', code: 'dead-letter-off', severity: 'warning', line: 19, col: 19, path: 'spec.target.delivery.deadLetter', message: 'dropped instead of kept for replay', at: 'false' },
  { file: 'semantic-webhook-source-unsupported.yaml', code: 'webhook-unsupported', line: 8, col: 16, path: 'spec.source.connector', message: 'connector `plain` declares no `webhooks`', at: 'plain' },
  { file: 'semantic-webhook-event-not-subscribed-warning.yaml', with: ['connector-subscribing.yaml'], code: 'webhook-unsupported', severity: 'warning', line: 10, col: 35, path: 'spec.source.events[1]', message: 'not `delete.organization`: no subscription syncd registers delivers it', at: 'delete.organization' },
  { file: 'semantic-change-events-unsupported.yaml', code: 'change-events-unsupported', line: 8, col: 16, path: 'spec.source.connector', message: 'connector `crm` declares no `changeEvents`', at: 'crm' },
  { file: 'semantic-change-events-no-topic.yaml', with: ['connector-streaming.yaml'], code: 'change-events-unsupported', line: 9, col: 13, path: 'spec.source.object', message: 'declares no `changeTopic`', at: 'Contact' },
  { file: 'connector-change-events-api-key.yaml', code: 'change-events-unsupported', line: 9, col: 15, path: 'spec.changeEvents.protocol', message: '`auth.type: apiKey` has none', at: 'salesforce-pubsub' },
  { file: 'ref-operation-kind-change-events-fetch.yaml', with: ['connector-streaming.yaml'], code: 'ref-operation-kind', line: 10, col: 12, path: 'spec.source.fetch', message: '`fetch` needs a `get`', at: 'list' },
  { file: 'source-shared-changes-b.yaml', with: ['source-shared-changes-a.yaml', 'connector-streaming.yaml'], code: 'source-shared', line: 9, col: 13, path: 'spec.source.object', message: 'pipeline `account-changes`', at: 'Account' },
  { file: 'source-shared-webhooks-b.yaml', with: ['source-shared-webhooks-a.yaml', 'connector-subscribing.yaml'], code: 'source-shared', line: 10, col: 35, path: 'spec.source.events[1]', message: 'already reads the `change.organization` events of `subscribing`', at: 'change.organization' },
  { file: 'connector-webhook-verify-none-warning.yaml', code: 'webhook-unsupported', severity: 'warning', line: 10, col: 21, path: 'spec.webhooks.verify.type', message: 'not verified', at: 'none' },
  { file: 'connector-tool-without-composio.yaml', code: 'transport-mismatch', line: 16, col: 17, path: 'spec.objects.deals.operations.create.tool', message: 'a `tool` needs `auth.type: composio`', at: 'CRM_CREATE_DEAL' },
  { file: 'connector-composio-operation-without-tool.yaml', code: 'transport-mismatch', line: 16, col: 9, path: 'spec.objects.deals.operations.create', message: 'needs a `tool`', at: 'create:' },
  { file: 'connector-operation-missing-path.yaml', code: 'transport-mismatch', line: 12, col: 9, path: 'spec.objects.deals.operations.list', message: 'needs `method` and `path`', at: 'list:' },
  { file: 'semantic-schedule-zero.yaml', code: 'duration-invalid', line: 10, col: 24, path: 'spec.source.schedule.every', message: 'longer than zero', at: '0s' },
  { file: 'semantic-schedule-too-frequent-warning.yaml', code: 'duration-invalid', severity: 'warning', line: 10, col: 24, path: 'spec.source.schedule.every', message: 'more often than once a second', at: '200ms' },
  { file: 'semantic-on-conflict-without-merge-warning.yaml', code: 'schema-invalid', severity: 'warning', line: 13, col: 74, path: 'spec.fields["account.name"].onConflict', message: 'applies only to `merge_with_audit`', at: 'crm }' },
];

/** Codes no single file can produce here: covered by test/cli/validate.test.ts, or not about a file. */
const NOT_FROM_A_FILE: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'api-version-deprecated', // needs a registered migration: test/cli/validate.test.ts
  'no-files', // an empty selection is a usage error (exit 2), not a diagnostic
]);

function textAt(source: string, line: number, col: number): string {
  const lines = source.split('\n');
  return [(lines[line - 1] ?? '').slice(col - 1), ...lines.slice(line)].join('\n');
}

function only(diagnostics: Diagnostic[], file: string): Diagnostic[] {
  return diagnostics.filter((d) => d.file === file);
}

describe('broken-file corpus', () => {
  it.each(CASES)('$file → $code at $line:$col', async (c) => {
    const file = path.join(CORPUS, c.file);
    const companions = (c.with ?? []).map((f) => path.join(CORPUS, f));
    const result = await validatePaths([file, ...companions, FIXTURES]);
    // One mistake, one diagnostic; the fixtures and companions stay clean.
    expect(result.diagnostics.filter((d) => d.file !== file)).toEqual([]);
    const found = only(result.diagnostics, file);
    expect(found).toHaveLength(1);
    const d = found[0] as Diagnostic;
    expect({ code: d.code, line: d.line, col: d.col, severity: d.severity }).toEqual({ code: c.code, line: c.line, col: c.col, severity: c.severity ?? 'error' });
    if (c.path !== undefined) expect(d.path).toBe(c.path);
    if (c.message !== undefined) expect(d.message).toContain(c.message);
    if (c.at !== undefined) expect(textAt(await readFile(file, 'utf8'), d.line, d.col).startsWith(c.at), `text at ${d.line}:${d.col} should start with ${JSON.stringify(c.at)}`).toBe(true);
    expect(result.ok).toBe(c.severity === 'warning');
  });

  it('lists every corpus file in the table', async () => {
    const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.yaml'));
    const listed = new Set(CASES.flatMap((c) => [c.file, ...(c.with ?? [])]));
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(45);
  });

  it('has fixture connectors that validate clean on their own', async () => {
    const result = await validatePaths([FIXTURES]);
    expect(result.files.map((f) => path.basename(f.parsed.file)).sort()).toEqual(['crm.yaml', 'db.yaml', 'plain.yaml']);
    expect(result.diagnostics).toEqual([]);
  });

  it('leaves the first of two same-named files alone, whatever the order given', async () => {
    const a = path.join(CORPUS, 'ref-duplicate-name-a.yaml');
    const b = path.join(CORPUS, 'ref-duplicate-name-b.yaml');
    const result = await validatePaths([b, a, FIXTURES]);
    expect(result.diagnostics.map((d) => [path.basename(d.file), d.code])).toEqual([['ref-duplicate-name-b.yaml', 'ref-duplicate-name']]);
  });
});

describe('files generated at test time', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'syncd-corpus-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const validateOne = async (name: string, content: string | Buffer): Promise<Diagnostic[]> => {
    const file = path.join(dir, name);
    await writeFile(file, content);
    const result = await validatePaths([file]);
    return result.diagnostics;
  };

  it('rejects a 5 MB file before parsing it', async () => {
    const header = 'apiVersion: syncd.dev/v1\nkind: Pipeline\nmetadata:\n  name: huge\n  labels:\n';
    const line = '    k: "' + 'x'.repeat(90) + '"\n';
    const content = header + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
    const started = performance.now();
    const diagnostics = await validateOne('huge.yaml', content);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'file-too-large', line: 1, col: 1, severity: 'error' });
    expect(diagnostics[0]?.message).toMatch(/5\.0 MB; spec files may be at most 1 MB/);
  });

  it('rejects a binary file (NUL bytes)', async () => {
    const diagnostics = await validateOne('image.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'file-not-text', line: 1, col: 1, message: expect.stringContaining('binary') })]);
  });

  it('points at the first byte that is not UTF-8', async () => {
    const latin1 = Buffer.concat([Buffer.from('apiVersion: syncd.dev/v1\nkind: Pipeline\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const diagnostics = await validateOne('latin1.yaml', latin1);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'file-not-text', line: 4, col: 12, message: 'the file is not valid UTF-8 text' })]);
  });

  it('reports a path that does not exist as a diagnostic', async () => {
    const missing = path.join(dir, 'nope', 'missing.yaml');
    const result = await validatePaths([missing]);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ file: missing, code: 'file-unreadable', line: 1, col: 1 })]);
  });

  it('accepts a byte-order mark and a few ordinary aliases', async () => {
    const text = await readFile(path.join(FIXTURES, 'db.yaml'), 'utf8');
    const withAliases = text
      .replace('    events:\n', '    events:\n      description: &note Rows the app appends.\n')
      .replace('        kind: { type: string }', '        kind: { type: string, description: *note }');
    expect(withAliases).toContain('*note');
    const diagnostics = await validateOne('bom.yaml', '\uFEFF' + withAliases);
    expect(diagnostics).toEqual([]);
  });

  it('rejects a deeper alias bomb quickly, without expanding it', async () => {
    const levels = ['    l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 20; i++) levels.push(`    l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(',')}]`);
    const started = performance.now();
    const diagnostics = await validateOne('bomb.yaml', `apiVersion: syncd.dev/v1\nkind: Pipeline\nmetadata:\n  name: bomb\n  labels:\n${levels.join('\n')}\n`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'yaml-alias-limit', line: 7, col: 14 })]);
  });
});

describe('coverage', () => {
  it('pins every code a file can produce', () => {
    const pinned = new Set<DiagnosticCode>([...CASES.map((c) => c.code), 'file-too-large', 'file-not-text', 'file-unreadable']);
    const missing = (Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[]).filter((code) => !pinned.has(code) && !NOT_FROM_A_FILE.has(code));
    expect(missing).toEqual([]);
  });
});
