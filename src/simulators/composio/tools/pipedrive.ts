/**
 * Pipedrive tools (slugs from Composio's tool-enum snapshot, FACTS §4.6) on Pipedrive's API v2
 * (v1 for notes, which v2 lacks). Which API version Composio's own Pipedrive tools call, and their
 * exact input schemas, are UNCONFIRMED; these follow the Pipedrive operation each slug names.
 */
import { restTool } from '../catalog/restTool.js';
import type { JsonSchema, ToolkitDefinition } from '../catalog/types.js';

const ID: JsonSchema = { type: 'integer', minimum: 1 };

/** Entity fields are open: custom fields are keyed by 40-hex field keys. */
const entityBody = (required: string[], props: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  required,
  properties: props,
  additionalProperties: true,
});

const DEAL_FIELDS: Record<string, JsonSchema> = {
  title: { type: 'string', minLength: 1 },
  value: { type: 'number' },
  currency: { type: 'string' },
  person_id: ID,
  org_id: ID,
  stage_id: ID,
  pipeline_id: ID,
  owner_id: ID,
  status: { type: 'string', enum: ['open', 'won', 'lost', 'deleted'] },
  expected_close_date: { type: 'string' },
};

const ORGANIZATION_FIELDS: Record<string, JsonSchema> = {
  name: { type: 'string', minLength: 1 },
  owner_id: ID,
  address: { type: 'object' },
};

const search = (slug: string, entity: string, noun: string) =>
  restTool({
    slug,
    name: `Search ${noun}`,
    description: `Searches ${noun} by a term in the given fields, one page at a time.`,
    method: 'GET',
    path: `/api/v2/${entity}/search`,
    query: { term: 'term', fields: 'fields', exact_match: 'exact_match', limit: 'limit', cursor: 'cursor' },
    input: {
      type: 'object',
      required: ['term'],
      properties: {
        term: { type: 'string', minLength: 2 },
        fields: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        exact_match: { type: 'boolean' },
        limit: { type: 'integer', minimum: 1, maximum: 500 },
        cursor: { type: 'string' },
      },
    },
  });

export const PIPEDRIVE_TOOLKIT: ToolkitDefinition = {
  slug: 'pipedrive',
  name: 'Pipedrive',
  logo: 'https://logos.composio.dev/api/pipedrive',
  authScheme: 'API_KEY',
  apiKeyHeader: 'x-api-token',
  versions: ['20250909_00'],
  tools: [
    restTool({
      slug: 'PIPEDRIVE_ADD_A_DEAL',
      name: 'Add a deal',
      description: 'Creates a deal.',
      method: 'POST',
      path: '/api/v2/deals',
      body: 'rest',
      input: entityBody(['title'], DEAL_FIELDS),
    }),
    restTool({
      slug: 'PIPEDRIVE_UPDATE_A_DEAL',
      name: 'Update a deal',
      description: 'Updates the given fields of a deal.',
      method: 'PATCH',
      path: '/api/v2/deals/{id}',
      body: 'rest',
      input: entityBody(['id'], { id: ID, ...DEAL_FIELDS }),
    }),
    restTool({
      slug: 'PIPEDRIVE_GET_DETAILS_OF_A_DEAL',
      name: 'Get details of a deal',
      description: 'Reads one deal.',
      method: 'GET',
      path: '/api/v2/deals/{id}',
      input: { type: 'object', required: ['id'], properties: { id: ID } },
    }),
    restTool({
      slug: 'PIPEDRIVE_GET_ALL_DEALS',
      name: 'Get all deals',
      description: 'Lists deals with cursor paging, optionally only those updated since a time.',
      method: 'GET',
      path: '/api/v2/deals',
      query: { limit: 'limit', cursor: 'cursor', updated_since: 'updated_since', sort_by: 'sort_by', sort_direction: 'sort_direction' },
      input: {
        type: 'object',
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 500 },
          cursor: { type: 'string' },
          updated_since: { type: 'string' },
          sort_by: { type: 'string', enum: ['id', 'update_time', 'add_time'] },
          sort_direction: { type: 'string', enum: ['asc', 'desc'] },
        },
      },
    }),
    restTool({
      slug: 'PIPEDRIVE_DELETE_A_DEAL',
      name: 'Delete a deal',
      description: 'Marks a deal as deleted.',
      method: 'DELETE',
      path: '/api/v2/deals/{id}',
      input: { type: 'object', required: ['id'], properties: { id: ID } },
    }),
    restTool({
      slug: 'PIPEDRIVE_ADD_A_PERSON',
      name: 'Add a person',
      description: 'Creates a person.',
      method: 'POST',
      path: '/api/v2/persons',
      body: 'rest',
      input: entityBody(['name'], {
        name: { type: 'string', minLength: 1 },
        org_id: ID,
        owner_id: ID,
        emails: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, primary: { type: 'boolean' }, label: { type: 'string' } } } },
        phones: { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, primary: { type: 'boolean' }, label: { type: 'string' } } } },
      }),
    }),
    restTool({
      slug: 'PIPEDRIVE_ADD_AN_ORGANIZATION',
      name: 'Add an organization',
      description: 'Creates an organization.',
      method: 'POST',
      path: '/api/v2/organizations',
      body: 'rest',
      input: entityBody(['name'], ORGANIZATION_FIELDS),
    }),
    restTool({
      slug: 'PIPEDRIVE_UPDATE_AN_ORGANIZATION',
      name: 'Update an organization',
      description: 'Updates the given fields of an organization.',
      method: 'PATCH',
      path: '/api/v2/organizations/{id}',
      body: 'rest',
      input: entityBody(['id'], { id: ID, ...ORGANIZATION_FIELDS }),
    }),
    search('PIPEDRIVE_SEARCH_PERSONS', 'persons', 'persons'),
    search('PIPEDRIVE_SEARCH_ORGANIZATIONS', 'organizations', 'organizations'),
    search('PIPEDRIVE_SEARCH_DEALS', 'deals', 'deals'),
    restTool({
      slug: 'PIPEDRIVE_ADD_A_NOTE',
      name: 'Add a note',
      description: 'Adds a note to a deal, person or organization.',
      method: 'POST',
      path: '/v1/notes',
      body: 'rest',
      input: {
        type: 'object',
        required: ['content'],
        properties: { content: { type: 'string', minLength: 1 }, deal_id: ID, person_id: ID, org_id: ID, pinned_to_deal_flag: { type: 'integer', enum: [0, 1] } },
      },
    }),
  ],
};
