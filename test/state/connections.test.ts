import {
  claimBatch,
  enqueueOutbox,
  getConnection,
  listConnections,
  listOutbox,
  markNeedsReconnect,
  markReconnected,
  queueDepth,
  upsertConnection,
} from '../../src/state/index.js';
import { backends, useStore } from './harness.js';
import { writes } from './fixtures.js';

describe.each(backends)('connections on %s', (backend) => {
  const h = useStore(backend);

  it('register with metadata and keep their status on update', async () => {
    const t = h.tenant();
    const c = await upsertConnection(t, { connection: 'hubspot', connector: 'hubspot', metadata: { portalId: 123 } });
    expect(c).toMatchObject({ status: 'active', reason: null, metadata: { portalId: 123 } });
    await markNeedsReconnect(t, { connection: 'hubspot', connector: 'hubspot', reason: 'refresh token revoked (401)' });
    await upsertConnection(t, { connection: 'hubspot', connector: 'hubspot', metadata: { portalId: 456 } });
    expect(await getConnection(t, 'hubspot')).toMatchObject({ status: 'needs_reconnect', metadata: { portalId: 456 } });
    expect((await listConnections(t)).map((x) => x.connection)).toEqual(['hubspot']);
  });

  it('park work on an auth failure and resume all of it after reconnect', async () => {
    const t = h.tenant();
    await enqueueOutbox(t, [...writes(4), ...writes(2, 100, { connection: 'pipedrive' })]);
    const batch = await claimBatch(t, { limit: 2, worker: 'w', leaseMs: 60_000, connection: 'hubspot' });
    const { parked } = await markNeedsReconnect(t, {
      connection: 'hubspot',
      connector: 'hubspot',
      reason: 'HTTP 401 invalid_grant',
      inFlightIds: batch.map((r) => r.id),
    });
    expect(parked).toBe(4);
    expect(await getConnection(t, 'hubspot')).toMatchObject({ status: 'needs_reconnect', reason: 'HTTP 401 invalid_grant' });

    // Writes arriving while the connection is down wait too; other connections go on.
    await enqueueOutbox(t, writes(1, 50));
    const meanwhile = await claimBatch(t, { limit: 10, worker: 'w', leaseMs: 60_000 });
    expect(meanwhile.map((r) => r.connection)).toEqual(['pipedrive', 'pipedrive']);
    expect((await queueDepth(t)).byStatus).toMatchObject({ waiting_auth: 4, pending: 1 });

    const { resumed } = await markReconnected(t, 'hubspot');
    expect(resumed).toBe(4);
    const after = await claimBatch(t, { limit: 10, worker: 'w', leaseMs: 60_000 });
    expect(after.map((r) => r.recordKey).sort()).toEqual(['q-0', 'q-1', 'q-2', 'q-3', 'q-50']);
    // Attempts made before the pause are kept, nothing was dropped.
    expect(after.find((r) => r.id === batch[0]!.id)?.attempts).toBe(2);
    expect((await listOutbox(t, { connection: 'hubspot' })).length).toBe(5);
  });

  it('say which mark took the connection from active to needs-reconnect, once even when two race', async () => {
    const t = h.tenant();
    const mark = (reason: string) => markNeedsReconnect(t, { connection: 'hubspot', connector: 'hubspot', reason });
    expect((await mark('HTTP 401 first')).changed).toBe(true);
    expect((await mark('HTTP 401 again')).changed).toBe(false);
    // The first failure's reason stays: it is when and why the connection stopped.
    expect(await getConnection(t, 'hubspot')).toMatchObject({ status: 'needs_reconnect', reason: 'HTTP 401 first' });
    await markReconnected(t, 'hubspot');
    const raced = await Promise.all([mark('HTTP 401 a'), mark('HTTP 401 b'), mark('HTTP 401 c')]);
    expect(raced.filter((r) => r.changed)).toHaveLength(1);
    const other = h.tenant();
    const first = await Promise.all([1, 2].map(() => markNeedsReconnect(other, { connection: 'new', connector: 'hubspot', reason: '401' })));
    expect(first.filter((r) => r.changed)).toHaveLength(1);
  });
});
