/**
 * Salesforce tools (slugs from Composio's tool-enum snapshot, FACTS §4.6) on the REST API of the
 * account's instance: an account's `base_url` credential is its instance URL. Composio's exact
 * input schemas are UNCONFIRMED; record fields are passed through as Salesforce field names.
 */
import { restTool } from '../catalog/restTool.js';
import type { JsonSchema, ToolkitDefinition } from '../catalog/types.js';

const SOBJECT_ID: JsonSchema = { type: 'string', pattern: '^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$' };

const fields = (required: string[], props: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  required,
  properties: props,
  additionalProperties: true,
});

const createRecord = (slug: string, sobject: string, name: string, required: string[], props: Record<string, JsonSchema>) =>
  restTool({
    slug,
    name,
    description: `Creates a ${sobject} record from field values.`,
    method: 'POST',
    path: `/services/data/v{apiVersion}/sobjects/${sobject}`,
    body: 'rest',
    input: fields(required, props),
    output: { type: 'object', properties: { id: { type: 'string' }, success: { type: 'boolean' }, errors: { type: 'array' } } },
  });

const updateRecord = (slug: string, sobject: string, idArg: string) =>
  restTool({
    slug,
    name: `Update ${sobject} by id`,
    description: `Updates the given fields of a ${sobject} record.`,
    method: 'PATCH',
    path: `/services/data/v{apiVersion}/sobjects/${sobject}/{${idArg}}`,
    body: 'rest',
    input: fields([idArg], { [idArg]: SOBJECT_ID }),
  });

export const SALESFORCE_TOOLKIT: ToolkitDefinition = {
  slug: 'salesforce',
  name: 'Salesforce',
  logo: 'https://logos.composio.dev/api/salesforce',
  authScheme: 'OAUTH2',
  versions: ['20250909_00'],
  tools: [
    restTool({
      slug: 'SALESFORCE_EXECUTE_SOQL_QUERY',
      name: 'Execute SOQL query',
      description: 'Runs a SOQL query and returns the first batch of records with `nextRecordsUrl`.',
      method: 'GET',
      path: '/services/data/v{apiVersion}/query',
      query: { q: 'soql_query' },
      input: { type: 'object', required: ['soql_query'], properties: { soql_query: { type: 'string', minLength: 1 } } },
      output: { type: 'object', properties: { totalSize: { type: 'integer' }, done: { type: 'boolean' }, records: { type: 'array' }, nextRecordsUrl: { type: 'string' } } },
    }),
    createRecord('SALESFORCE_ACCOUNT_CREATION_WITH_CONTENT_TYPE_OPTION', 'Account', 'Create account', ['Name'], { Name: { type: 'string', minLength: 1 } }),
    createRecord('SALESFORCE_CREATE_NEW_CONTACT_WITH_JSON_HEADER', 'Contact', 'Create contact', ['LastName'], { LastName: { type: 'string', minLength: 1 } }),
    createRecord('SALESFORCE_CREATE_OPPORTUNITY_RECORD', 'Opportunity', 'Create opportunity', ['Name', 'StageName', 'CloseDate'], {
      Name: { type: 'string', minLength: 1 },
      StageName: { type: 'string' },
      CloseDate: { type: 'string' },
    }),
    updateRecord('SALESFORCE_UPDATE_ACCOUNT_OBJECT_BY_ID', 'Account', 'account_id'),
    updateRecord('SALESFORCE_UPDATE_CONTACT_BY_ID', 'Contact', 'contact_id'),
    updateRecord('SALESFORCE_UPDATE_OPPORTUNITY_BY_ID', 'Opportunity', 'opportunity_id'),
  ],
};
