import {
  acceptEvent,
  acquireLease,
  appendAudit,
  approveCandidate,
  claimBatch,
  claimEvents,
  commitCursor,
  completeEvents,
  completeOutbox,
  discardDeadLetters,
  enqueueOutbox,
  findLinkByLocal,
  findLinkByRemote,
  getCursor,
  getFieldBases,
  getLease,
  getOutboxByKey,
  isRejected,
  listCandidates,
  listConnections,
  listCursors,
  listDeadLetters,
  listDeliveries,
  listOutbox,
  listReconciliationItems,
  loadCredentials,
  markNeedsReconnect,
  markReconnected,
  moveToDeadLetter,
  openReconciliationItem,
  proposeMatch,
  purgeDone,
  queryAudit,
  queueDepth,
  readBudgetState,
  recordDeliveries,
  rejectCandidate,
  releaseLease,
  renewLease,
  replayDeadLetters,
  resolveReconciliationItem,
  rotateRefreshToken,
  saveBudgetState,
  saveCredentials,
  saveFieldBases,
  updateBudgetState,
  upsertLink,
  type Scope,
} from '../../src/state/index.js';
import { writes } from './fixtures.js';
import { backends, useStore } from './harness.js';

const company = (key: string) => ({ object: 'company', key });
const hs = (id: string) => ({ connector: 'hubspot', object: 'company', id });
const budget = { connection: 'hubspot', bucket: 'requests' };

/** Touches every operation of the store once, leaving rows in every table. */
async function exercise(t: Scope): Promise<void> {
  await t.transaction(async (tx) => {
    await enqueueOutbox(tx, writes(4));
    await commitCursor(tx, { pipeline: 'quotes', source: 'quotey' }, 'c1');
  });
  const claimed = await claimBatch(t, { limit: 3, worker: 'w', leaseMs: 1000 });
  await recordDeliveries(t, [{ outboxId: claimed[0]!.id, attempt: 1, outcome: 'ok', durationMs: 1 }]);
  await completeOutbox(t, [claimed[0]!.id]);
  const [dead] = await moveToDeadLetter(t, [claimed[1]!.id], { errorClass: 'transient' });
  await replayDeadLetters(t, [dead!], 'op');
  const claimedAgain = await claimBatch(t, { limit: 5, worker: 'w', leaseMs: 1000 });
  const [dead2] = await moveToDeadLetter(t, [claimedAgain[0]!.id], { errorClass: 'transient' });
  await discardDeadLetters(t, [dead2!], 'op');
  await markNeedsReconnect(t, { connection: 'hubspot', connector: 'hubspot', reason: '401', inFlightIds: [claimed[2]!.id] });
  await markReconnected(t, 'hubspot');
  await listOutbox(t);
  await queueDepth(t);
  await getOutboxByKey(t, claimed[0]!.idempotencyKey);
  await listDeliveries(t, claimed[0]!.id);
  await listDeadLetters(t, { status: 'replayed' });
  await purgeDone(t, 0);
  await getCursor(t, { pipeline: 'quotes', source: 'quotey' });
  await listCursors(t);

  const link = await upsertLink(t, { local: company('c1'), remote: hs('1'), strategy: 'domain' });
  await findLinkByLocal(t, company('c1'), hs('1'));
  await findLinkByRemote(t, hs('1'), 'company');
  await saveFieldBases(t, [{ linkId: link.id, field: 'name', value: 'Acme' }]);
  await getFieldBases(t, link.id);
  const c = await proposeMatch(t, { local: company('c2'), remote: hs('2'), strategy: 'fuzzy_name', score: 0.8, autoLink: false });
  await approveCandidate(t, c.id, 'op');
  const r = await proposeMatch(t, { local: company('c3'), remote: hs('3'), strategy: 'fuzzy_name', score: 0.8, autoLink: false });
  await rejectCandidate(t, r.id, 'op');
  await isRejected(t, company('c3'), hs('3'));
  await listCandidates(t);

  const item = await openReconciliationItem(t, { kind: 'drift', pipeline: 'quotes', recordKey: 'q-0', payload: {}, dedupeKey: 'd' });
  await openReconciliationItem(t, { kind: 'drift', pipeline: 'quotes', recordKey: 'q-0', payload: {}, dedupeKey: 'd' });
  await listReconciliationItems(t);
  await resolveReconciliationItem(t, item.item.id, { ok: true }, 'op');
  await appendAudit(t, [{ actor: 'a', action: 'write.intent', recordKey: 'q-0' }]);
  await queryAudit(t, { recordKey: 'q-0' });

  const ev = await acceptEvent(t, { connection: 'hubspot', eventId: 'e1', payload: {} });
  await claimEvents(t, { limit: 5, worker: 'w', leaseMs: 1000 });
  await completeEvents(t, [ev.id!]);
  await listConnections(t);
  await saveCredentials(t, 'hubspot', { refreshToken: 'r1' });
  await rotateRefreshToken(t, 'hubspot', { refreshToken: 'r2' });
  await loadCredentials(t, 'hubspot');
  await acquireLease(t, 'poll', 'w', 1000);
  await renewLease(t, 'poll', 'w', 1000);
  await getLease(t, 'poll');
  await saveBudgetState(t, budget, { used: 5 });
  await updateBudgetState(t, budget, (s: { used: number } | undefined) => ({ state: { used: (s?.used ?? 0) + 1 }, result: undefined }));
  await readBudgetState(t, budget);
}

describe.each(backends)('tenant isolation on %s', (backend) => {
  const h = useStore(backend);

  it('every statement on a syncd table filters or sets the tenant once per table it names', async () => {
    const statements: string[] = [];
    const listener = (q: { sql: string }) => statements.push(q.sql);
    h.store.knex.on('query', listener);
    try {
      await exercise(h.tenant());
      await releaseLease(h.tenant(), 'poll', 'w');
    } finally {
      h.store.knex.off('query', listener);
    }
    const onTables = statements.filter((s) => /\bsyncd_(?!migrations)/i.test(s));
    expect(onTables.length).toBeGreaterThan(60);
    const offenders = onTables.filter((sql) => {
      const tableRefs = sql.match(/\b(from|update|into|join)\s+[`"]?syncd_(?!migrations)/gi)?.length ?? 0;
      const tenantRefs = sql.match(/\btenant\b/gi)?.length ?? 0;
      return tableRefs === 0 || tenantRefs < tableRefs;
    });
    expect(offenders).toEqual([]);
  });

  it('one tenant sees, claims and blocks nothing of another', async () => {
    const a = h.tenant();
    const b = h.tenant();
    await exercise(a);
    await enqueueOutbox(a, writes(2, 100));

    // Same idempotency keys, lease name, budget and connection name are independent per tenant.
    expect((await enqueueOutbox(b, writes(1))).inserted).toHaveLength(1);
    expect(await claimBatch(b, { limit: 100, worker: 'w', leaseMs: 1000 })).toHaveLength(1);
    expect(await acquireLease(b, 'poll', 'other', 1000)).toMatchObject({ acquired: true });
    expect(await readBudgetState(b, budget)).toBeUndefined();
    expect(await updateBudgetState(b, budget, (s: { used: number } | undefined) => ({ state: { used: (s?.used ?? 0) + 1 }, result: s }))).toBeUndefined();
    expect(await readBudgetState(a, budget)).toEqual({ used: 6 });
    expect(await upsertLink(b, { local: company('c1'), remote: hs('1'), strategy: 'domain' })).toMatchObject({ status: 'linked' });

    expect(await getCursor(b, { pipeline: 'quotes', source: 'quotey' })).toBeUndefined();
    expect(await listDeadLetters(b, { status: 'replayed' })).toEqual([]);
    expect(await listDeadLetters(b, { status: 'discarded' })).toEqual([]);
    expect(await listReconciliationItems(b, { status: 'resolved' })).toEqual([]);
    expect(await listCandidates(b)).toEqual([]);
    expect(await isRejected(b, company('c3'), hs('3'))).toBe(false);
    // Only the intent of b's own write of q-0 (its outbox row), none of a's entries or rows.
    expect((await queryAudit(b, { recordKey: 'q-0' })).map((e) => [e.action, e.source])).toEqual([['write.intent', 'outbox']]);
    expect(await claimEvents(b, { limit: 5, worker: 'w', leaseMs: 1000 })).toEqual([]);
    expect(await listConnections(b)).toEqual([]);
    expect(await loadCredentials(b, 'hubspot')).toBeUndefined();
    expect((await getFieldBases(b, 1)).size).toBe(0);
    expect((await queueDepth(b)).byStatus).toMatchObject({ in_flight: 1, done: 0, dead: 0 });

    // A's paused connection does not pause B's connection of the same name.
    await markNeedsReconnect(a, { connection: 'hubspot', connector: 'hubspot', reason: '401' });
    await enqueueOutbox(b, writes(1, 50));
    expect(await claimBatch(b, { limit: 5, worker: 'w', leaseMs: 1000 })).toHaveLength(1);
    expect((await listOutbox(a, { status: 'waiting_auth' })).length).toBeGreaterThan(0);
  });
});
