import { createConnectorClient, type WriteResult } from '../../src/connectors/index.js';
import type { ObjectSpec } from '../../src/spec/types.js';
import { connectorDoc, dealsObject } from './support/doc.js';
import { json, useTestServer } from './support/server.js';

const t = useTestServer();

function clientFor(ops: ObjectSpec['operations'], extra: { idempotencyHeader?: string; hooks?: string; concurrency?: number } = {}) {
  const doc = connectorDoc({ baseUrl: t.server.url, ...(extra.hooks ? { hooks: extra.hooks } : {}), objects: { deals: dealsObject(ops) } });
  return createConnectorClient(doc, {
    connection: { id: 'c' },
    tenant: 't',
    ...(extra.idempotencyHeader ? { idempotencyHeader: extra.idempotencyHeader } : {}),
    ...(extra.concurrency ? { concurrency: extra.concurrency } : {}),
  });
}

type Input = { properties: Record<string, unknown>; objectWriteTraceId: string };

const HUBSPOT_BATCH_CREATE: ObjectSpec['operations'] = {
  batchCreate: {
    kind: 'batchCreate',
    path: '/crm/v3/objects/deals/batch/create',
    maxBatch: 3,
    body: '{"inputs": [records.{"properties": record, "objectWriteTraceId": $string(index)}]}',
    records: 'results',
    errors: 'errors.{"index": $number(context.objectWriteTraceId[0]), "message": message}',
    hooks: { encode: 'hubspot.encodeProperties' },
  },
};

describe('batch writes', () => {
  it('splits at maxBatch and returns one result per input, in input order', async () => {
    let next = 100;
    t.handler = (req, res) => {
      const inputs = (req.body as { inputs: Input[] }).inputs;
      json(res, 201, { status: 'COMPLETE', results: inputs.map((i) => ({ id: String(next++), properties: i.properties })) });
    };
    const c = clientFor(HUBSPOT_BATCH_CREATE);
    const results = await c.write('deals', 'batchCreate', Array.from({ length: 7 }, (_, i) => ({ fields: { name: `d${i}`, amount: i } })));
    expect(t.server.requests.map((r) => (r.body as { inputs: unknown[] }).inputs.length).sort()).toEqual([1, 3, 3]);
    // Batches go out concurrently: ids follow the server's order, but each result sits at its input's index.
    const sentNames = t.server.requests.flatMap((r) => (r.body as { inputs: Input[] }).inputs.map((i) => i.properties.name));
    expect(results.map((r) => r.ok && r.id)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((n) => String(100 + sentNames.indexOf(n))));
    expect(results.every((r) => r.ok && r.created === true)).toBe(true);
    // The HubSpot encode hook put every value on the wire as a string.
    const d1 = t.server.requests.flatMap((r) => (r.body as { inputs: Input[] }).inputs).find((i) => i.properties.name === 'd1');
    expect(d1?.properties).toEqual({ name: 'd1', amount: '1' });
  });

  it('maps 207 per-record errors back to the right input', async () => {
    t.handler = (req, res) => {
      const inputs = (req.body as { inputs: Input[] }).inputs;
      const bad = inputs.filter((i) => i.properties.name === 'bad');
      json(res, 207, {
        status: 'COMPLETE',
        numErrors: bad.length,
        results: inputs.filter((i) => i.properties.name !== 'bad').map((i) => ({ id: `id-${i.properties.name}`, properties: i.properties })),
        errors: bad.map((i) => ({ status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid', context: { objectWriteTraceId: [i.objectWriteTraceId] } })),
      });
    };
    const names = ['a', 'bad', 'c', 'd', 'bad'];
    const results = await clientFor(HUBSPOT_BATCH_CREATE).write('deals', 'batchCreate', names.map((name) => ({ fields: { name } })));
    expect(results.map((r) => (r.ok ? r.id : `${r.error.class}@${r.error.recordIndex}`))).toEqual(['id-a', 'mapping@1', 'id-c', 'id-d', 'mapping@4']);
    const failed = results[4] as Extract<WriteResult, { ok: false }>;
    expect(failed.error.vendorMessage).toBe('Property values were not valid');
  });

  it('reads Salesforce SaveResult arrays, where failures sit in input order', async () => {
    t.handler = (req, res) => {
      const records = (req.body as { records: Array<{ Name: string }> }).records;
      json(res, 200, records.map((r, i) => (r.Name === 'dup' ? { success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found', fields: [] }] } : { id: `006${i}`, success: true, errors: [] })));
    };
    const c = clientFor({
      batchCreate: {
        kind: 'batchCreate',
        path: '/composite/sobjects',
        maxBatch: 200,
        body: '{"allOrNone": false, "records": [records.($merge([{"attributes": {"type": "Opportunity"}}, {"Name": record.name}]))]}',
        errors: '$map($, function($v, $i) { $v.success ? undefined : {"index": $i, "status": $v.errors[0].statusCode = "DUPLICATE_VALUE" ? 409 : 400, "message": $v.errors[0].message} })',
      },
    });
    const results = await c.write('deals', 'batchCreate', [{ fields: { name: 'x' } }, { fields: { name: 'dup' } }, { fields: { name: 'y' } }]);
    expect(results.map((r) => (r.ok ? r.id : r.error.class))).toEqual(['0060', 'conflict', '0062']);
  });

  it('fails records it cannot encode on their own and sends the rest', async () => {
    t.handler = (req, res) => json(res, 201, { results: (req.body as { inputs: Input[] }).inputs.map((_, i) => ({ id: `n${i}` })) });
    const results = await clientFor(HUBSPOT_BATCH_CREATE).write('deals', 'batchCreate', [
      { fields: { name: 'ok' } },
      { fields: { name: 'x', colour: 'red' } },
      { fields: { amount: 3 } },
      { fields: { name: 'y', amount: 'twelve' } },
      { fields: { name: 'z' } },
    ]);
    expect(results.map((r) => (r.ok ? r.id : r.error.code))).toEqual(['n0', 'unknown_property', 'missing_required', 'invalid_value', 'n1']);
    expect((t.server.requests[0]?.body as { inputs: unknown[] }).inputs).toHaveLength(2);
  });

  it('stops at an auth failure and hands every unwritten record back with it', async () => {
    t.handler = (_req, res) => json(res, 401, { message: 'expired' });
    const c = clientFor(HUBSPOT_BATCH_CREATE, { concurrency: 1 });
    const results = await c.write('deals', 'batchCreate', Array.from({ length: 7 }, (_, i) => ({ fields: { name: `d${i}` } })));
    expect(t.server.requests).toHaveLength(1);
    expect(results.map((r) => !r.ok && `${r.error.class}@${r.error.recordIndex}`)).toEqual(['auth@0', 'auth@1', 'auth@2', 'auth@3', 'auth@4', 'auth@5', 'auth@6']);
  });
});

describe('single-record writes', () => {
  it('upserts by external id in the path, reports created, renames and converts fields, and sends the idempotency key', async () => {
    t.handler = (req, res) => (req.path.endsWith('/q-1') ? json(res, 201, { id: '006A', success: true, created: true }) : json(res, 200, { id: '006B', success: true, created: false }));
    const c = clientFor(
      {
        upsert: { kind: 'upsert', method: 'PATCH', path: '/sobjects/Opportunity/{idProperty}/{id}', idProperty: 'email', body: '$sift(record, function($v, $k) { $k != idProperty })' },
      },
      { idempotencyHeader: 'Idempotency-Key' },
    );
    const results = await c.write('deals', 'upsert', [
      { fields: { email: 'q-1', name: 'One', closeDate: new Date('2026-03-01T00:00:00Z'), amount: '12.5' }, idempotencyKey: 'k-1' },
      { fields: { email: 'q-2', name: 'Two' }, idempotencyKey: 'k-2' },
    ]);
    expect(results).toEqual([
      { ok: true, id: '006A', created: true },
      { ok: true, id: '006B', created: false },
    ]);
    const first = t.server.requests.find((r) => r.path.endsWith('/q-1'));
    expect(first?.path).toBe('/sobjects/Opportunity/email/q-1');
    expect(first?.body).toEqual({ name: 'One', close_date: '2026-03-01', amount: 12.5 });
    expect(first?.headers['idempotency-key']).toBe('k-1');
  });

  it('treats a 404 on delete as already deleted', async () => {
    t.handler = (req, res) => (req.path.endsWith('/1') ? json(res, 204, undefined) : json(res, 404, { message: 'not found' }));
    const c = clientFor({ delete: { kind: 'delete', path: '/deals/{id}' } });
    expect(await c.write('deals', 'delete', [{ id: '1' }, { id: '2' }])).toEqual([
      { ok: true, id: '1' },
      { ok: true, id: '2' },
    ]);
    expect(t.server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });
});

describe('get', () => {
  it('decodes with the HubSpot hook and returns undefined on 404', async () => {
    t.handler = (req, res) =>
      req.path.endsWith('/512')
        ? json(res, 200, { id: '512', properties: { name: 'Big', amount: '1500.5', close_date: '1772323200000', stage: '' }, updatedAt: '2026-02-01T10:00:00.000Z' })
        : json(res, 404, { message: 'Object not found' });
    const c = clientFor({ get: { kind: 'get', path: '/deals/{id}', hooks: { decode: 'hubspot.decodeRecord' } } });
    expect(await c.get('deals', '512')).toEqual({ id: '512', fields: { name: 'Big', amount: 1500.5, closeDate: '2026-03-01', stage: null } });
    expect(await c.get('deals', '999')).toBeUndefined();
  });
});
