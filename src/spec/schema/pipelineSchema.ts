/** The JSON Schema of `kind: Pipeline` files, built from the component registry. */
import '../components/index.js';
import type { JsonSchema } from '../components/registry.js';
import { bool, duration, integer, jsonata, mapOf, name, strictObject, text } from '../components/fragments.js';
import { API_VERSION, header } from './common.js';
import { unionDefs, unionRef } from './union.js';

export const OWNERSHIP_POLICIES = ['crm_wins', 'local_wins', 'merge_with_audit', 'immutable_after_bind'] as const;
export const CANONICAL_FIELD_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$';

const fieldMap = strictObject(
  {
    from: text('Source record field (after transforms). Default: the canonical name without its prefix.', { examples: ['stage'] }),
    expr: jsonata('Computes the value instead of `from`.', 'amount * quantity'),
    to: text('Target property or column.', { examples: ['dealstage'] }),
    owner: {
      enum: [...OWNERSHIP_POLICIES],
      description:
        'Who owns the field. crm_wins: the CRM value is applied locally and local edits are never written to the CRM; local_wins: the local value is written and CRM edits are overwritten and recorded as drift; merge_with_audit: three-way merge with an audit entry; immutable_after_bind: once set, any change is a conflict.',
    },
    onConflict: {
      enum: ['newest', 'local', 'crm', 'reconcile'],
      default: 'newest',
      description: 'merge_with_audit only: how a change on both sides is decided (newest change, a named side, or a reconciliation item). Default: newest.',
    },
    reference: name(
      'The value is the key of a record another pipeline syncs to the same CRM (a signal’s or a person’s company): what is written is the CRM id that record is linked to. A record whose referenced record has no link yet waits, unwritten, and is written at the first poll after the link is made. Local → CRM pipelines only.',
    ),
  },
  ['to', 'owner'],
  'How one canonical field maps to the target, and who owns it.',
);

const delivery = strictObject(
  {
    batchSize: integer('Records per write; at most the operation’s `maxBatch`. Default: the operation’s `maxBatch`, or 1.', 1, 10_000),
    concurrency: integer('Writes in flight at once per connection. Default: 4.', 1, 64),
    retry: strictObject(
      {
        attempts: integer('Attempts in all before the dead letter queue. Default: the connector’s.', 1, 50),
        initialDelay: duration('First backoff.', '1s'),
        maxDelay: duration('Longest backoff.', '5m'),
      },
      [],
      'Overrides the connector’s retry policy for this pipeline.',
    ),
    deadLetter: bool('Keep writes that exhausted their retries in the dead letter queue for replay. Turning it off drops them, and `syncd validate` warns.', true),
  },
  [],
  'Delivery settings.',
);

const target = strictObject(
  {
    connector: name('Connector written to.'),
    object: text('Object of an HTTP connector.', { examples: ['deals'] }),
    operation: text('Write operation of that object: an upsert, or the create used for new records.', { examples: ['batchUpsert', 'create'] }),
    updateOperation: text('Write operation for records already linked to a target record, when the API has no upsert.', { examples: ['update'] }),
    table: text('Table of a `sql` connector.', { examples: ['bookmarks'] }),
    delivery,
  },
  ['connector'],
  'Where records are written.',
);

const overrides = strictObject(
  {
    disabled: bool('Skip this pipeline for the tenant.', false),
    fields: mapOf(fieldMap, 'Fields replaced or added for this tenant.', CANONICAL_FIELD_PATTERN),
    target: strictObject(
      {
        object: text('Object of the same connector for this tenant.'),
        operation: text('Operation that writes it. Default: the one `spec.target` names.'),
        updateOperation: text('Operation for records already linked, when it differs. Default: the one `spec.target` names.'),
      },
      [],
      'Target changes for this tenant (a Smart Signal as a task instead of a note).',
    ),
  },
  [],
  'Per-tenant overrides of the defaults above.',
);

export function pipelineSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://syncd.dev/schemas/pipeline.v1.schema.json',
    title: `syncd Pipeline (${API_VERSION})`,
    description: 'A flow: a source, transforms, identity matching, owned field maps and a target.',
    type: 'object',
    properties: {
      ...header('Pipeline'),
      spec: strictObject(
        {
          source: unionRef('source', 'Where records come from.'),
          transforms: { type: 'array', items: unionRef('transform', 'One transform step.'), description: 'Steps applied in order to each record.' },
          match: strictObject(
            {
              rules: { type: 'array', minItems: 1, items: unionRef('matcher', 'One strategy.'), description: 'Strategies tried in this order.' },
              onNoMatch: { enum: ['create', 'skip'], default: 'create', description: 'What happens to a record with no match. Default: create.' },
            },
            ['rules'],
            'Identity matching between source records and target records.',
          ),
          key: text('Source field that identifies a record. Default: `id`.', { examples: ['id'] }),
          fields: mapOf(fieldMap, 'Canonical fields by name (such as `deal.stage`), each with its owner.', CANONICAL_FIELD_PATTERN),
          target,
          correlationId: jsonata('Correlation id carried by every write and log line of a record. Default: a new id per record version.', 'correlation_id'),
          tenants: mapOf(overrides, 'Per-tenant overrides, by tenant id.', '^[A-Za-z0-9_.-]{1,64}$'),
        },
        ['source', 'fields', 'target'],
        'The flow.',
      ),
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    $defs: { ...unionDefs('source'), ...unionDefs('transform'), ...unionDefs('matcher') },
  };
}
