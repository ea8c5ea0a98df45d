/** What a plan context takes from a tenant's own target: its object's links and its operations. */
import { buildPlanContext } from '../../src/engine/planContext.js';
import type { TargetPort } from '../../src/engine/ports.js';
import type { ConnectorDocument, PipelineDocument } from '../../src/spec/types.js';

const crm: ConnectorDocument = {
  apiVersion: 'syncd.dev/v1',
  kind: 'Connector',
  metadata: { name: 'crm' },
  spec: {
    baseUrl: 'http://127.0.0.1:1',
    objects: {
      accounts: { properties: { name: { type: 'string' } }, operations: { upsert: { kind: 'batchUpsert', method: 'POST', path: '/a', maxBatch: 10 } } },
      leads: { properties: { name: { type: 'string' } }, operations: { create: { kind: 'create', method: 'POST', path: '/l' }, update: { kind: 'update', method: 'PATCH', path: '/l/{id}' } } },
    },
  },
};
const db: ConnectorDocument = { apiVersion: 'syncd.dev/v1', kind: 'Connector', metadata: { name: 'db' }, spec: { transport: 'sql', database: ':memory:', tables: { accounts: { key: 'id', columns: { id: { type: 'string' }, name: { type: 'string' } } } } } };
const pipeline: PipelineDocument = {
  apiVersion: 'syncd.dev/v1',
  kind: 'Pipeline',
  metadata: { name: 'accounts-out' },
  spec: {
    source: { type: 'table', connector: 'db', table: 'accounts', schedule: { every: '1m' }, cursor: { field: 'updated_at' } },
    fields: { 'account.name': { from: 'name', to: 'name', owner: 'local_wins' } },
    target: { connector: 'crm', object: 'accounts', operation: 'upsert' },
    tenants: { acme: { target: { object: 'leads', operation: 'create', updateOperation: 'update' } } },
  },
};
const target = { connector: 'crm', object: 'accounts', maxBatch: () => 1, write: async () => [] } as unknown as TargetPort;
const connectors = new Map([
  ['crm', crm],
  ['db', db],
]);

describe('plan context of a tenant with its own target', () => {
  it('links the default tenant to the default object, with no update operation', () => {
    const ctx = buildPlanContext(pipeline, 'default', connectors, target, 'upsert');
    expect(ctx.orientation.remote).toEqual({ connector: 'crm', object: 'accounts' });
    expect(ctx.updateOperation).toBeUndefined();
  });

  it("links the tenant to its object and updates its linked records with the tenant's update operation", () => {
    const ctx = buildPlanContext(pipeline, 'acme', connectors, target, 'create');
    expect(ctx.orientation.remote).toEqual({ connector: 'crm', object: 'leads' });
    expect(ctx.updateOperation).toBe('update');
  });
});
