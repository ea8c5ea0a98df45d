import type { ConnectorDocument, ConnectorSpec, ObjectSpec } from '../../../src/spec/types.js';

/** A small `deals` object used by most tests. */
export function dealsObject(operations: ObjectSpec['operations'], extra: Partial<ObjectSpec> = {}): ObjectSpec {
  return {
    id: 'id',
    fields: 'properties',
    properties: {
      name: { type: 'string', required: true },
      amount: { type: 'number' },
      closeDate: { type: 'date', wireName: 'close_date' },
      stage: { type: 'string' },
      email: { type: 'string', unique: true },
    },
    operations,
    ...extra,
  };
}

export function connectorDoc(spec: Partial<ConnectorSpec> & Pick<ConnectorSpec, 'baseUrl'>): ConnectorDocument {
  return {
    apiVersion: 'syncd.dev/v1',
    kind: 'Connector',
    metadata: { name: 'testcrm' },
    spec: {
      auth: { type: 'bearer', token: 'tok-test-0001' },
      retry: { attempts: 4, initialDelay: '1ms', maxDelay: '20ms' },
      timeout: '2s',
      ...spec,
    },
  };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
