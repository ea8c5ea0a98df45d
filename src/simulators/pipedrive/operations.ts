/**
 * Every API operation the simulator serves, named by the spec's `operationId` and charged by its
 * `x-token-cost` (v2.yaml / v1.yaml; a test checks this table against both files).
 */

export interface Operation {
  operationId: string;
  version: 'v1' | 'v2';
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path template as the spec writes it, relative to the version's base URL. */
  path: string;
  tokenCost: number;
  /** Counted against the search window as well. */
  search?: boolean;
}

const v2 = (operationId: string, method: Operation['method'], path: string, tokenCost: number, search = false): Operation => ({
  operationId,
  version: 'v2',
  method,
  path,
  tokenCost,
  search,
});
const v1 = (operationId: string, method: Operation['method'], path: string, tokenCost: number): Operation => ({
  operationId,
  version: 'v1',
  method,
  path,
  tokenCost,
});

export const OPERATIONS = {
  getOrganizations: v2('getOrganizations', 'GET', '/organizations', 10),
  getOrganization: v2('getOrganization', 'GET', '/organizations/{id}', 1),
  addOrganization: v2('addOrganization', 'POST', '/organizations', 5),
  updateOrganization: v2('updateOrganization', 'PATCH', '/organizations/{id}', 5),
  deleteOrganization: v2('deleteOrganization', 'DELETE', '/organizations/{id}', 3),
  searchOrganization: v2('searchOrganization', 'GET', '/organizations/search', 20, true),
  getOrganizationFields: v2('getOrganizationFields', 'GET', '/organizationFields', 10),

  getPersons: v2('getPersons', 'GET', '/persons', 10),
  getPerson: v2('getPerson', 'GET', '/persons/{id}', 1),
  addPerson: v2('addPerson', 'POST', '/persons', 5),
  updatePerson: v2('updatePerson', 'PATCH', '/persons/{id}', 5),
  deletePerson: v2('deletePerson', 'DELETE', '/persons/{id}', 3),
  searchPersons: v2('searchPersons', 'GET', '/persons/search', 20, true),
  getPersonFields: v2('getPersonFields', 'GET', '/personFields', 10),

  getDeals: v2('getDeals', 'GET', '/deals', 10),
  getDeal: v2('getDeal', 'GET', '/deals/{id}', 1),
  addDeal: v2('addDeal', 'POST', '/deals', 5),
  updateDeal: v2('updateDeal', 'PATCH', '/deals/{id}', 5),
  deleteDeal: v2('deleteDeal', 'DELETE', '/deals/{id}', 3),
  searchDeals: v2('searchDeals', 'GET', '/deals/search', 20, true),
  getDealFields: v2('getDealFields', 'GET', '/dealFields', 10),

  getNotes: v1('getNotes', 'GET', '/notes', 20),
  addNote: v1('addNote', 'POST', '/notes', 10),
  getWebhooks: v1('getWebhooks', 'GET', '/webhooks', 10),
  addWebhook: v1('addWebhook', 'POST', '/webhooks', 10),
  deleteWebhook: v1('deleteWebhook', 'DELETE', '/webhooks/{id}', 6),
  getDealFieldsV1: v1('getDealFields', 'GET', '/dealFields', 20),
  getPersonFieldsV1: v1('getPersonFields', 'GET', '/personFields', 20),
  getOrganizationFieldsV1: v1('getOrganizationFields', 'GET', '/organizationFields', 20),
} satisfies Record<string, Operation>;

/** The fastify route URL of an operation. */
export function routeUrl(op: Operation): string {
  const prefix = op.version === 'v2' ? '/api/v2' : '/v1';
  return prefix + op.path.replace(/\{(\w+)\}/g, ':$1');
}
