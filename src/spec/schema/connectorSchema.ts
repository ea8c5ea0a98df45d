/** The JSON Schema of `kind: Connector` files, built from the component registry. */
import '../components/index.js';
import type { JsonSchema } from '../components/registry.js';
import { bool, duration, IDENT_PATTERN, integer, jsonata, mapOf, NAME_PATTERN, stringList, strictObject, text, textOrRef } from '../components/fragments.js';
import { API_VERSION, header } from './common.js';
import { unionDefs, unionRef } from './union.js';

export const OPERATION_KINDS = ['list', 'search', 'get', 'create', 'update', 'upsert', 'delete', 'batchRead', 'batchCreate', 'batchUpdate', 'batchUpsert', 'execute'] as const;
export const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime', 'enum', 'json'] as const;
export const ERROR_CLASSES = ['transient', 'auth', 'mapping', 'conflict'] as const;

const window = (d: string): JsonSchema =>
  strictObject({ limit: integer('Requests allowed per window.', 1), per: duration('Window length.', '10s') }, ['limit', 'per'], d);

const rateLimit = strictObject(
  {
    requests: window('Budget for ordinary requests (HubSpot 190 per 10 s).'),
    search: window('Separate budget for search endpoints (HubSpot 5 per 1 s).'),
    daily: strictObject({ limit: integer('Units per day.', 1) }, ['limit'], 'Daily budget (requests, or tokens where operations declare `cost`).'),
    headers: strictObject(
      {
        limit: text('Header with the window allowance.', { examples: ['X-HubSpot-RateLimit-Max'] }),
        remaining: text('Header with the requests left in the window.', { examples: ['X-HubSpot-RateLimit-Remaining', 'x-ratelimit-remaining'] }),
        reset: text('Header with the time until the window resets.', { examples: ['x-ratelimit-reset'] }),
        resetUnit: { enum: ['seconds', 'milliseconds', 'epochSeconds'], default: 'seconds', description: 'Unit of the reset header. Default: seconds.' },
        dailyRemaining: text('Header with the daily budget left.', { examples: ['X-HubSpot-RateLimit-Daily-Remaining', 'x-daily-requests-left'] }),
        usage: text('Header of the form `api-usage=used/limit` (Salesforce `Sforce-Limit-Info`).', { examples: ['Sforce-Limit-Info'] }),
      },
      [],
      'Response headers that correct the static policy live.',
    ),
    utilization: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.95, description: 'Fraction of the budget syncd aims to use, leaving room for other clients. Default: 0.95.' },
  },
  [],
  "The connection's rate budget: a static policy corrected by the vendor's headers and `Retry-After`. Workers sharing a connection share the budget.",
);

const retry = strictObject(
  {
    attempts: integer('Attempts in all, the first included. Default: 6.', 1, 50),
    initialDelay: duration('Backoff before the second attempt; doubled each time, with full jitter.', '500ms'),
    maxDelay: duration('Longest backoff.', '2m'),
  },
  [],
  'Retries of transient failures (timeouts, resets, 5xx, 429). `Retry-After` is always honoured.',
);

const errorRule = strictObject(
  {
    status: { oneOf: [integer('HTTP status.', 100, 599), { type: 'array', items: integer('HTTP status.', 100, 599), minItems: 1 }], description: 'Status code or list of codes.' },
    bodyMatches: text('Regular expression the response body must match.', { examples: ['REQUEST_LIMIT_EXCEEDED'] }),
    class: { enum: [...ERROR_CLASSES], description: 'transient: retried then dead-lettered; auth: connection paused until reconnected; mapping: reconciliation item for this record; conflict: reconciliation item, never retried.' },
  },
  ['class'],
  'One classification rule; the first matching rule wins. Unmatched: 5xx and 429 are transient, 401/403 auth, other 4xx mapping.',
);

const property = strictObject(
  {
    type: { enum: [...PROPERTY_TYPES], description: 'Canonical type; the connector converts to and from the wire form.' },
    description: text('What the property holds.'),
    required: bool('Required on create.', false),
    readOnly: bool('Never written.', false),
    unique: bool('Unique per record: usable as an upsert key or external id.', false),
    values: { type: 'array', items: { type: ['string', 'number'] }, description: 'Allowed values of an `enum`.' },
    wireName: text('Name on the wire when it differs (Pipedrive custom fields are 40-character hashes).'),
  },
  ['type'],
  'A property of the object.',
);

const operation = strictObject(
  {
    kind: { enum: [...OPERATION_KINDS], description: 'What the operation does; decides where it can be used.' },
    description: text('What the operation does, for docs.'),
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], description: 'HTTP method (HTTP transport).' },
    path: text('Path below the base URL; `{id}` and `{idProperty}` are filled in.', { examples: ['/crm/v3/objects/deals/{id}'] }),
    query: mapOf({ type: ['string', 'number', 'boolean'] }, 'Fixed query parameters.'),
    params: jsonata('Builds query parameters from the same inputs as `body` (a SOQL query with the cursor in it).', '{"q": "SELECT Id FROM Account WHERE SystemModstamp > " & since}'),
    body: jsonata(
      'Builds the request body (HTTP) from `record` (fields), `records` (a batch), `id`, `since` (cursor value), `idProperty`, `current` (the CRM\'s values of the properties listed in `reads`) and `lookup` (a candidate search for identity matching: `lookup.property`, the wire name, and `lookup.values`).',
      '{"properties": record}',
    ),
    tool: text('Composio tool slug (Composio transport). Slugs change between toolkit versions, so they live here, not in code.', {
      examples: ['HUBSPOT_CREATE_NEW_DEAL_OBJECT'],
    }),
    arguments: jsonata('Builds the tool arguments (Composio transport), with the same inputs as `body`.', '{"properties": record}'),
    records: jsonata('Where the records are in the response (list, search, batch).', 'results'),
    record: jsonata('Where the record is in the response (single-record operations). Default: the whole response.', '$'),
    errors: jsonata('Per-record failures inside a successful batch response, as `[{index, status, message}]`.', 'errors'),
    pagination: unionRef('pagination', 'How pages are followed (list, search).'),
    since: strictObject(
      {
        param: text('Request parameter that carries the cursor value (omit when `body` uses `since`).', { examples: ['updated_since'] }),
        format: { enum: ['iso', 'epochMillis', 'epochSeconds', 'soqlDateTime'], default: 'iso', description: 'Wire form of the cursor value. Default: iso.' },
      },
      [],
      'How an incremental cursor is sent (list, search).',
    ),
    maxBatch: integer('Largest batch the vendor accepts (batch operations), or most values one candidate search carries in `lookup.values` (search operations used by match rules; default 1).', 1, 10_000),
    idProperty: text('Unique property an upsert matches on.', { examples: ['quotey_quote_id'] }),
    reads: stringList(
      'Properties of the record as the CRM holds it that `body` reads as `current` (update operations of records syncd has read): a vendor that replaces a whole list on a write (Pipedrive e-mails) keeps the entries syncd does not own. Read again just before the write is sent.',
      { minItems: 1, uniqueItems: true, examples: [['emails']] },
    ),
    cost: integer('Units drawn from the daily budget (Pipedrive `x-token-cost`). Default: 1.', 0, 1000),
    budget: { enum: ['requests', 'search'], default: 'requests', description: 'Which window budget the call draws on. Default: requests.' },
    hooks: strictObject(
      {
        encode: text('Vendor hook that turns canonical fields into the wire form.', { examples: ['hubspot.encodeProperties'] }),
        decode: text('Vendor hook that turns a wire record into canonical fields.', { examples: ['hubspot.decodeRecord'] }),
      },
      [],
      'Named code hooks for what JSONata cannot say (a vendor quirk).',
    ),
  },
  ['kind'],
  'One operation on the object.',
);

const object = strictObject(
  {
    description: text('What the object is.'),
    id: jsonata('Where the record id is in a wire record. Default: `id`.', 'id'),
    updatedAt: jsonata('Where the modification time is in a wire record.', 'properties.hs_lastmodifieddate'),
    fields: jsonata('Where the fields are in a wire record. Default: the record itself.', 'properties'),
    properties: mapOf(property, 'Properties syncd may read or write.', IDENT_PATTERN),
    operations: mapOf(operation, 'Operations on the object, by name.', IDENT_PATTERN),
    changeTopic: text('Channel of its change events (`changeEvents`), for pipelines with a `changeEvents` source.', { examples: ['/data/OpportunityChangeEvent', '/data/Quote__ChangeEvent'] }),
  },
  ['properties', 'operations'],
  'An object (record type) of the system.',
);

const column = strictObject(
  { type: { enum: [...PROPERTY_TYPES], description: 'Canonical type of the column.' }, description: text('What the column holds.') },
  ['type'],
);

const table = strictObject(
  {
    description: text('What the table holds.'),
    key: text('Primary key column.', { examples: ['id'] }),
    columns: mapOf(column, 'Columns syncd may read or write.', IDENT_PATTERN),
    writable: bool('Whether pipelines may write to the table.', false),
  },
  ['key', 'columns'],
  'A table of the database.',
);

const webhooks = strictObject(
  {
    verify: unionRef('webhookVerifier', 'How a delivery is authenticated.'),
    decoder: text('Vendor hook that splits a delivery into events with ids.', { examples: ['hubspot', 'pipedrive'] }),
    subscribe: strictObject(
      {
        operation: text('Object operation (`object.operation`, kind `create`) that registers a subscription.', { examples: ['webhooks.create'] }),
        list: text('Object operation (kind `list`) that lists the subscriptions, so that a restart creates none twice.', { examples: ['webhooks.list'] }),
        delete: text('Object operation (kind `delete`) that removes a subscription syncd registered and no longer wants.', { examples: ['webhooks.delete'] }),
        events: stringList('Events syncd subscribes to, one subscription each.', { minItems: 1, uniqueItems: true, examples: [['change.organization']] }),
        fields: jsonata(
          "Builds a subscription's fields (the object's canonical properties) from `url` (this endpoint's public URL), `event` (one of `events`) and `verify` (the `verify` block, with its secrets).",
          '{"subscription_url": url, "event_action": $substringBefore(event, "."), "event_object": $substringAfter(event, ".")}',
        ),
        nameProperty: text("Property holding the subscription's name, which marks it as syncd's (`syncd <tenant>/<connection> <event> <fingerprint>`). Default: `name`.", { examples: ['name'] }),
      },
      ['operation', 'list', 'delete', 'events', 'fields'],
      'How syncd registers its own subscriptions, where the API allows it: `syncd run --public-url` lists them, creates the missing ones and deletes those it no longer wants, at start and every 15 minutes.',
    ),
    maxBodySize: integer('Largest accepted delivery in bytes. Default: 1048576.', 1024, 64 * 1024 * 1024),
  },
  ['verify', 'decoder'],
  'Inbound webhooks from the system.',
);

const changeEvents = strictObject(
  {
    protocol: { enum: ['salesforce-pubsub'], description: '`salesforce-pubsub`: Change Data Capture through the Pub/Sub API (gRPC, Avro payloads).' },
    endpoint: textOrRef('Where the stream is served; `http://` means without TLS (a local simulator).', ['https://api.pubsub.salesforce.com:7443', '${env:SALESFORCE_PUBSUB_URL}']),
    tenantId: textOrRef('The org id, sent with every call.', ['${env:SALESFORCE_ORG_ID}']),
    batchSize: integer('Events asked for at a time (flow control). Default: 100.', 1, 100),
    ignoreOrigin: text(
      "Events whose `changeOrigin` contains this text are syncd's own writes coming back and are skipped; the connector's requests must carry it (Salesforce: header `Sforce-Call-Options: client=syncd`).",
      { examples: ['client=syncd'] },
    ),
  },
  ['protocol', 'endpoint', 'tenantId'],
  "The system's stream of record changes. `syncd run` keeps one subscription per object a `changeEvents` pipeline reads, under a lease, and stores each event in the inbox with the position to resume from.",
);

const httpSpec = {
  transport: { enum: ['http', 'sql'], default: 'http', description: '`http`: a remote API (a CRM); `sql`: a local database. Default: http.' },
  baseUrl: textOrRef('API base URL; `${env:NAME}` allowed so the same file points at a simulator.', ['https://api.hubapi.com']),
  hooks: text('Vendor hook module for quirks JSONata cannot say (`src/vendors/<name>`).', { examples: ['hubspot'] }),
  auth: unionRef('auth', 'How requests are authenticated.'),
  headers: {
    type: 'object',
    additionalProperties: { type: 'string' },
    propertyNames: { pattern: '^[A-Za-z0-9-]+$' },
    description: 'Headers sent with every request (an operation\'s own headers and the credentials take precedence). Not for secrets: use `auth`.',
    examples: [{ 'Sforce-Call-Options': 'client=syncd' }],
  },
  rateLimit,
  retry,
  timeout: duration('Per-request timeout. Default: 30s.', '30s'),
  errors: { type: 'array', items: errorRule, description: 'Error classification rules, first match wins.' },
  errorMessage: jsonata('Where the human message is in an error body.', 'message'),
  objects: mapOf(object, 'Objects of the system, by name.', IDENT_PATTERN),
  webhooks,
  changeEvents,
  database: textOrRef('Database URL (`sql` transport): `sqlite:path` or `postgres://…`.', ['${env:QUOTEY_DATABASE_URL}']),
  tables: mapOf(table, 'Tables of the database (`sql` transport), by name.', IDENT_PATTERN),
};

export function connectorSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://syncd.dev/schemas/connector.v1.schema.json',
    title: `syncd Connector (${API_VERSION})`,
    description: 'A system syncd talks to: a CRM over HTTP, a tool set through Composio, or a local SQL database.',
    type: 'object',
    properties: {
      ...header('Connector'),
      spec: {
        type: 'object',
        description: 'What the system is and how to talk to it.',
        properties: httpSpec,
        additionalProperties: false,
        allOf: [
          {
            if: { properties: { transport: { const: 'sql' } }, required: ['transport'] },
            then: { required: ['database', 'tables'] },
            else: { required: ['baseUrl', 'auth', 'objects'] },
          },
        ],
      },
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    $defs: { ...unionDefs('auth'), ...unionDefs('pagination'), ...unionDefs('webhookVerifier') },
  };
}

export { NAME_PATTERN };
