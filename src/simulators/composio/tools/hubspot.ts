/**
 * HubSpot tools (slugs from Composio's tool-enum snapshot, FACTS §4.6), each performing the real
 * CRM v3 call. Their input schemas follow the HubSpot operation each tool wraps; Composio's exact
 * schemas for these slugs are UNCONFIRMED, as is whether `data` is HubSpot's body unchanged (the
 * hubspot-composio connector reads it that way: `data.results`, `data.paging.next.after`).
 */
import { restTool } from '../catalog/restTool.js';
import type { JsonSchema, ToolkitDefinition } from '../catalog/types.js';

const PROPERTY_VALUES: JsonSchema = {
  type: 'object',
  description: 'Property values by internal property name.',
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
};

const ASSOCIATIONS: JsonSchema = {
  type: 'array',
  description: 'Records to associate the new one with.',
  items: {
    type: 'object',
    required: ['to', 'types'],
    properties: {
      to: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      types: {
        type: 'array',
        items: {
          type: 'object',
          required: ['associationCategory', 'associationTypeId'],
          properties: {
            associationCategory: { type: 'string', enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] },
            associationTypeId: { type: 'integer' },
          },
        },
      },
    },
  },
};

const PROPERTY_NAMES: JsonSchema = {
  description: 'Properties to return (comma-separated or a list).',
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
};

const SIMPLE_OBJECT: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    properties: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    archived: { type: 'boolean' },
  },
};

const SEARCH_RESULTS: JsonSchema = {
  type: 'object',
  properties: {
    total: { type: 'integer' },
    results: { type: 'array', items: SIMPLE_OBJECT },
    paging: { type: 'object', properties: { next: { type: 'object', properties: { after: { type: 'string' }, link: { type: 'string' } } } } },
  },
};

const SEARCH_INPUT: JsonSchema = {
  type: 'object',
  properties: {
    filterGroups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['filters'],
        properties: {
          filters: {
            type: 'array',
            items: {
              type: 'object',
              required: ['propertyName', 'operator'],
              properties: {
                propertyName: { type: 'string' },
                operator: {
                  type: 'string',
                  enum: ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'],
                },
                value: { type: ['string', 'number', 'boolean'] },
                highValue: { type: ['string', 'number'] },
                values: { type: 'array', items: { type: ['string', 'number'] } },
              },
            },
          },
        },
      },
    },
    sorts: {
      type: 'array',
      items: {
        anyOf: [
          { type: 'string' },
          { type: 'object', required: ['propertyName'], properties: { propertyName: { type: 'string' }, direction: { type: 'string', enum: ['ASCENDING', 'DESCENDING'] } } },
        ],
      },
    },
    query: { type: 'string' },
    properties: { type: 'array', items: { type: 'string' } },
    limit: { type: 'integer', minimum: 1, maximum: 200 },
    after: { type: ['string', 'integer'], description: 'Paging cursor from `paging.next.after`.' },
  },
};

const create = (slug: string, objectType: string, noun: string) =>
  restTool({
    slug,
    name: `Create ${noun}`,
    description: `Creates a ${noun} with the given property values and optional associations.`,
    method: 'POST',
    path: `/crm/v3/objects/${objectType}`,
    body: ['properties', 'associations'],
    input: { type: 'object', required: ['properties'], properties: { properties: PROPERTY_VALUES, associations: ASSOCIATIONS } },
    output: SIMPLE_OBJECT,
    scopes: [`crm.objects.${objectType}.write`],
  });

const update = (slug: string, objectType: string, noun: string, idArg: string) =>
  restTool({
    slug,
    name: `Partially update ${noun}`,
    description: `Updates the given properties of a ${noun}; properties not given keep their values.`,
    method: 'PATCH',
    path: `/crm/v3/objects/${objectType}/{${idArg}}`,
    query: { idProperty: 'idProperty' },
    body: ['properties'],
    input: {
      type: 'object',
      required: [idArg, 'properties'],
      properties: { [idArg]: { type: 'string', minLength: 1 }, properties: PROPERTY_VALUES, idProperty: { type: 'string' } },
    },
    output: SIMPLE_OBJECT,
    scopes: [`crm.objects.${objectType}.write`],
  });

const search = (slug: string, objectType: string, noun: string) =>
  restTool({
    slug,
    name: `Search ${noun}`,
    description: `Searches ${noun} by filter groups, sorts and a text query, one page at a time.`,
    method: 'POST',
    path: `/crm/v3/objects/${objectType}/search`,
    body: 'rest',
    input: SEARCH_INPUT,
    output: SEARCH_RESULTS,
    scopes: [`crm.objects.${objectType}.read`],
  });

export const HUBSPOT_TOOLKIT: ToolkitDefinition = {
  slug: 'hubspot',
  name: 'HubSpot',
  logo: 'https://logos.composio.dev/api/hubspot',
  authScheme: 'OAUTH2',
  versions: ['20250909_00', '20251110_00'],
  tools: [
    create('HUBSPOT_CREATE_NEW_DEAL_OBJECT', 'deals', 'deal'),
    create('HUBSPOT_CREATE_COMPANY_OBJECT', 'companies', 'company'),
    create('HUBSPOT_CREATE_CONTACT_OBJECT_WITH_PROPERTIES', 'contacts', 'contact'),
    update('HUBSPOT_PARTIALLY_UPDATE_DEAL_BY_ID', 'deals', 'deal', 'dealId'),
    update('HUBSPOT_PARTIAL_UPDATE_COMPANY_OBJECT_BY_ID', 'companies', 'company', 'companyId'),
    update('HUBSPOT_PARTIALLY_UPDATE_CONTACT_USING_CONTACT_ID', 'contacts', 'contact', 'contactId'),
    search('HUBSPOT_SEARCH_DEALS_BY_CRITERIA', 'deals', 'deals'),
    search('HUBSPOT_SEARCH_COMPANY_OBJECTS', 'companies', 'companies'),
    search('HUBSPOT_SEARCH_CONTACTS_BY_CRITERIA', 'contacts', 'contacts'),
    restTool({
      slug: 'HUBSPOT_RETRIEVE_DEAL_BY_ID',
      name: 'Retrieve deal by id',
      description: 'Reads one deal with the requested properties and associations.',
      method: 'GET',
      path: '/crm/v3/objects/deals/{dealId}',
      query: { properties: 'properties', propertiesWithHistory: 'propertiesWithHistory', associations: 'associations', archived: 'archived', idProperty: 'idProperty' },
      input: {
        type: 'object',
        required: ['dealId'],
        properties: {
          dealId: { type: 'string', minLength: 1 },
          properties: PROPERTY_NAMES,
          propertiesWithHistory: PROPERTY_NAMES,
          associations: PROPERTY_NAMES,
          archived: { type: 'boolean' },
          idProperty: { type: 'string' },
        },
      },
      output: SIMPLE_OBJECT,
      scopes: ['crm.objects.deals.read'],
    }),
    restTool({
      slug: 'HUBSPOT_READ_A_PAGE_OF_DEALS',
      name: 'Read a page of deals',
      description: 'Lists deals one page at a time, oldest first.',
      method: 'GET',
      path: '/crm/v3/objects/deals',
      query: { limit: 'limit', after: 'after', properties: 'properties', associations: 'associations', archived: 'archived' },
      input: {
        type: 'object',
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 100 },
          after: { type: 'string' },
          properties: PROPERTY_NAMES,
          associations: PROPERTY_NAMES,
          archived: { type: 'boolean' },
        },
      },
      output: SEARCH_RESULTS,
      scopes: ['crm.objects.deals.read'],
    }),
  ],
};
