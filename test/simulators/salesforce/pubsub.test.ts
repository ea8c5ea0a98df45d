/**
 * Change Data Capture over the Pub/Sub API: a real gRPC client against the simulator's server,
 * events caused by REST writes over HTTP and by admin "user" edits, decoded with avsc.
 */
import * as grpc from '@grpc/grpc-js';
import { startSalesforceSimulator, type RunningSalesforceSimulator, type SalesforceSimulatorConfig } from '../../../src/simulators/salesforce/index.js';
import { ERROR_CODES, type PubSubClient } from '../../../src/vendors/salesforce/pubsub/protocol.js';
import {
  EventDecoder,
  authMetadata,
  bitmapFieldNames,
  errorCode,
  getSchema,
  getTopic,
  pubSubClient,
  rejection,
  subscribe,
  type SubscribeStream,
} from './pubSubClient.js';
import { rawClient, type RawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;
let api: RawClient;
let client: PubSubClient;
let md: grpc.Metadata;
let decoder: EventDecoder;
const streams: SubscribeStream[] = [];

async function start(config: SalesforceSimulatorConfig = {}): Promise<void> {
  sim = await startSalesforceSimulator({ seed: 7, config });
  api = rawClient(sim);
  client = pubSubClient(sim);
  md = authMetadata(sim);
  decoder = new EventDecoder(client, md);
}

function open(...args: Parameters<typeof subscribe>): SubscribeStream {
  const s = subscribe(...args);
  streams.push(s);
  return s;
}

afterEach(async () => {
  for (const s of streams.splice(0)) s.cancel();
  client?.close();
  await sim?.close();
});

const OPP_TOPIC = '/data/OpportunityChangeEvent';
const ACCOUNT_TOPIC = '/data/AccountChangeEvent';
const CALL_OPTIONS = { 'Sforce-Call-Options': 'client=syncd' };

async function idOf(soql: string): Promise<string> {
  const res = await api.query(soql);
  expect(res.status).toBe(200);
  return res.body.records[0].Id as string;
}

async function renameAccount(id: string, name: string): Promise<void> {
  expect((await api.call('PATCH', `sobjects/Account/${id}`, { Name: name })).status).toBe(204);
}

function nonNull(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

describe('Salesforce Pub/Sub API: authentication', () => {
  beforeEach(() => start());

  it('refuses calls without a token, with another tenant or with an unknown token', async () => {
    for (const bad of [
      authMetadata(sim, { accesstoken: undefined }),
      authMetadata(sim, { tenantid: '00D000000000001AAA' }),
      authMetadata(sim, { tenantid: undefined }),
      authMetadata(sim, { instanceurl: undefined }),
      authMetadata(sim, { accesstoken: `${sim.config.orgId.slice(0, 15)}!AQnotatoken` }),
    ]) {
      const err = await rejection(getTopic(client, bad, OPP_TOPIC));
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(errorCode(err)).toBe(ERROR_CODES.authFailure);
    }
    const stream = open(client, authMetadata(sim, { accesstoken: undefined }), { topic_name: OPP_TOPIC, num_requested: 1 });
    const ended = await stream.closed();
    expect(ended?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(errorCode(ended)).toBe(ERROR_CODES.authFailure);
  });

  it('refuses expired sessions, and ends an open stream at the next fetch once its token expired', async () => {
    const stream = open(client, md, { topic_name: OPP_TOPIC, num_requested: 1 });
    await stream.accepted;
    sim.setFaults({ expireTokens: true });

    expect((await rejection(getTopic(client, md, OPP_TOPIC))).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await rejection(getSchema(client, md, 'x'))).code).toBe(grpc.status.UNAUTHENTICATED);

    // A fetch carrying a fresh token keeps the stream alive; one without it ends the stream.
    const fresh = sim.issueAccessToken();
    stream.fetch({ num_requested: 1, auth_refresh: fresh });
    expect((await api.query('SELECT Id FROM Opportunity')).status).toBe(401); // the REST session expired too
    const rest = rawClient(sim);
    const found = await rest.query(`SELECT Id FROM Opportunity WHERE Name = 'Globex - Expansion'`);
    expect((await rest.call('PATCH', `sobjects/Opportunity/${found.body.records[0].Id}`, { Amount: 7 })).status).toBe(204);
    const delivered = await stream.next();
    expect(delivered.events).toHaveLength(1);
    expect(delivered.pending_num_requested).toBe(1);
    const other = open(client, md, { topic_name: OPP_TOPIC, num_requested: 1 });
    expect((await other.closed())?.code).toBe(grpc.status.UNAUTHENTICATED);

    sim.setFaults({ expireTokens: true });
    stream.fetch({ num_requested: 1 });
    const ended = await stream.closed();
    expect(ended?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(errorCode(ended)).toBe(ERROR_CODES.authFailure);
  });
});

describe('Salesforce Pub/Sub API: topics and schemas', () => {
  beforeEach(() => start());

  it('describes per-object topics and serves their Avro schemas by id', async () => {
    const topic = await getTopic(client, md, OPP_TOPIC);
    expect(topic).toMatchObject({ topic_name: OPP_TOPIC, tenant_guid: sim.config.orgId, can_publish: false, can_subscribe: true });
    expect(topic.schema_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(topic.rpc_id).toMatch(/^[0-9a-f-]{36}$/);

    const info = await getSchema(client, md, topic.schema_id);
    expect(info.schema_id).toBe(topic.schema_id);
    const schema = JSON.parse(info.schema_json);
    expect(schema).toMatchObject({ type: 'record', name: 'OpportunityChangeEvent', namespace: 'com.sforce.eventbus' });
    expect(schema.fields[0].name).toBe('ChangeEventHeader');
    expect(schema.fields[0].type.fields.map((f: { name: string }) => f.name)).toEqual([
      'entityName', 'recordIds', 'changeType', 'changeOrigin', 'transactionKey', 'sequenceNumber',
      'commitTimestamp', 'commitNumber', 'commitUser', 'nulledFields', 'diffFields', 'changedFields',
    ]);
    const field = (name: string) => schema.fields.find((f: { name: string }) => f.name === name);
    expect(field('StageName')).toEqual({ name: 'StageName', type: ['null', 'string'], default: null });
    expect(field('Amount').type).toEqual(['null', 'double']);
    expect(field('CloseDate').type).toEqual(['null', { type: 'int', logicalType: 'date' }]);
    expect(field('CreatedDate').type).toEqual(['null', 'long']);
    for (const absent of ['Id', 'IsDeleted', 'SystemModstamp']) expect(field(absent)).toBeUndefined();

    // The schema id is derived from the schema, so it is the same in every simulator.
    const again = await startSalesforceSimulator({ seed: 99 });
    try {
      const c2 = pubSubClient(again);
      expect((await getTopic(c2, authMetadata(again), OPP_TOPIC)).schema_id).toBe(topic.schema_id);
      c2.close();
    } finally {
      await again.close();
    }

    const quote = await getTopic(client, md, '/data/Quote__ChangeEvent');
    expect(JSON.parse((await getSchema(client, md, quote.schema_id)).schema_json).name).toBe('Quote__ChangeEvent');
    expect((await getTopic(client, md, '/data/ChangeEvents')).can_subscribe).toBe(true);
  });

  it('answers NOT_FOUND for unknown topics and schemas', async () => {
    for (const name of ['/data/LeadChangeEvent', '/data/Quote__cChangeEvent', '/event/Nope__e', '']) {
      const err = await rejection(getTopic(client, md, name));
      expect(err.code).toBe(grpc.status.NOT_FOUND);
      expect(errorCode(err)).toBe(ERROR_CODES.topicNotFound);
    }
    expect((await rejection(getSchema(client, md, 'AAAAAAAAAAAAAAAAAAAAAA'))).code).toBe(grpc.status.NOT_FOUND);
    const stream = open(client, md, { topic_name: '/data/LeadChangeEvent', num_requested: 1 });
    const ended = await stream.closed();
    expect(ended?.code).toBe(grpc.status.NOT_FOUND);
    expect(errorCode(ended)).toBe(ERROR_CODES.topicNotFound);
  });
});

describe('Salesforce Pub/Sub API: change events', () => {
  beforeEach(() => start());

  it('publishes an UPDATE with only the changed fields for a REST PATCH, with the client in changeOrigin', async () => {
    const oppId = await idOf(`SELECT Id FROM Opportunity WHERE Name = 'Acme - Platform renewal'`);
    const stream = open(client, md, { topic_name: OPP_TOPIC, replay_preset: 'LATEST', num_requested: 10 });
    await stream.accepted;

    const patch = await api.call('PATCH', `sobjects/Opportunity/${oppId}`, { StageName: 'Closed Won', Amount: null }, CALL_OPTIONS);
    expect(patch.status).toBe(204);
    const [event] = await stream.events(1);
    const decoded = await decoder.decode(event!);
    const after = (await api.call('GET', `sobjects/Opportunity/${oppId}`)).body;

    expect(decoded.schemaName).toBe('OpportunityChangeEvent');
    expect(decoded.header).toMatchObject({
      entityName: 'Opportunity',
      recordIds: [oppId],
      changeType: 'UPDATE',
      changeOrigin: 'com/salesforce/api/rest/66.0;client=syncd',
      sequenceNumber: 1,
      commitUser: sim.config.userId,
      commitTimestamp: Date.parse(after.LastModifiedDate.replace('+0000', 'Z')),
      diffFields: [],
    });
    expect(decoded.header.transactionKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nonNull(decoded.body)).toEqual({ StageName: 'Closed Won', LastModifiedDate: decoded.header.commitTimestamp });

    // Bit i names field i of the schema (0 is the header): StageName 3, Amount 5, LastModifiedDate 13.
    expect(decoded.header.changedFields).toEqual(['0x2028']);
    expect(decoded.header.nulledFields).toEqual(['0x20']);
    expect(bitmapFieldNames(decoded.fieldNames, decoded.header.changedFields)).toEqual(['StageName', 'Amount', 'LastModifiedDate']);
    expect(bitmapFieldNames(decoded.fieldNames, decoded.header.nulledFields)).toEqual(['Amount']);

    expect(event!.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event!.replay_id).toHaveLength(8);
    expect(event!.event.schema_id).toBe((await getTopic(client, md, OPP_TOPIC)).schema_id);

    // Without call options the origin is the bare API; the version is the one in the request path.
    await rawClient(sim, '67.0').call('PATCH', `sobjects/Opportunity/${oppId}`, { Probability: 90 });
    const plain = await decoder.decode((await stream.events(1))[0]!);
    expect(plain.header.changeOrigin).toBe('com/salesforce/api/rest/67.0');
    expect(nonNull(plain.body)).toEqual({ Probability: 90, LastModifiedDate: plain.header.commitTimestamp });
  });

  it('publishes CREATE with every non-empty field and DELETE with none', async () => {
    const stream = open(client, md, { topic_name: '/data/ChangeEvents', num_requested: 10 });
    await stream.accepted;
    const created = await api.call('POST', 'sobjects/Opportunity', { Name: 'Cyberdyne - pilot', StageName: 'Prospecting', CloseDate: '2026-03-31', Amount: 1250.5 }, CALL_OPTIONS);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api.call('DELETE', `sobjects/Opportunity/${id}`, undefined, CALL_OPTIONS)).status).toBe(204);

    const [c, d] = await Promise.all((await stream.events(2)).map((e) => decoder.decode(e)));
    expect(c!.header).toMatchObject({ entityName: 'Opportunity', recordIds: [id], changeType: 'CREATE', changeOrigin: 'com/salesforce/api/rest/66.0;client=syncd', changedFields: [], nulledFields: [] });
    const t = c!.header.commitTimestamp;
    expect(nonNull(c!.body)).toEqual({
      Name: 'Cyberdyne - pilot',
      StageName: 'Prospecting',
      CloseDate: Date.UTC(2026, 2, 31) / 86_400_000,
      Amount: 1250.5,
      OwnerId: sim.config.userId,
      CreatedDate: t,
      CreatedById: sim.config.userId,
      LastModifiedDate: t,
      LastModifiedById: sim.config.userId,
    });
    expect(d!.header).toMatchObject({ entityName: 'Opportunity', recordIds: [id], changeType: 'DELETE', changedFields: [] });
    expect(d!.header.commitTimestamp).toBeGreaterThan(t);
    expect(d!.header.transactionKey).not.toBe(c!.header.transactionKey);
    expect(nonNull(d!.body)).toEqual({});
  });

  it('reports a user edit through the admin API with an empty changeOrigin and the UI user', async () => {
    const accId = await idOf(`SELECT Id FROM Account WHERE Name = 'Globex'`);
    const stream = open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 5 });
    await stream.accepted;
    const res = await fetch(`${sim.url}/__admin/records/Account/${accId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Industry: 'Education' }),
    });
    expect(res.status).toBe(200);
    const e = await decoder.decode((await stream.events(1))[0]!);
    expect(e.header).toMatchObject({ entityName: 'Account', recordIds: [accId], changeType: 'UPDATE', changeOrigin: '', commitUser: sim.config.uiUserId });
    // Another user saved the record, so LastModifiedById is among the changes.
    expect(nonNull(e.body)).toEqual({ Industry: 'Education', LastModifiedDate: e.header.commitTimestamp, LastModifiedById: sim.config.uiUserId });
    expect(bitmapFieldNames(e.fieldNames, e.header.changedFields)).toEqual(['Industry', 'LastModifiedDate', 'LastModifiedById']);
  });

  it('numbers the records of one transaction and publishes nothing for a rolled-back one', async () => {
    const stream = open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 10 });
    await stream.accepted;
    const V = '/services/data/v66.0';
    const ok = await api.call('POST', 'composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'A', body: { Name: 'Tx One' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'B', body: { Name: 'Tx Two' } },
      ],
    }, CALL_OPTIONS);
    expect(ok.status).toBe(200);
    const failed = await api.call('POST', 'composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'A', body: { Name: 'Never' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'B', body: {} },
      ],
    });
    expect(failed.body.compositeResponse[1].httpStatusCode).toBe(400);
    const [a, b] = await Promise.all((await stream.events(2)).map((e) => decoder.decode(e)));
    expect(a!.header.transactionKey).toBe(b!.header.transactionKey);
    expect([a!.header.sequenceNumber, b!.header.sequenceNumber]).toEqual([1, 2]);
    expect(a!.header.commitTimestamp).toBe(b!.header.commitTimestamp);
    expect(a!.header.commitNumber).toBe(b!.header.commitNumber);
    expect([a!.body.Name, b!.body.Name]).toEqual(['Tx One', 'Tx Two']);
    expect(await stream.quietFor(200)).toBe(true);
    expect(sim.pubSub.retainedEvents().map((e) => e.changeType)).toEqual(['CREATE', 'CREATE']);

    // Without allOrNone every subrequest is a transaction of its own, with the request's origin.
    const separate = await api.call('POST', 'composite', {
      allOrNone: false,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'A', body: { Name: 'Own One' } },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'B', body: {} },
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'C', body: { Name: 'Own Two' } },
      ],
    }, CALL_OPTIONS);
    expect(separate.body.compositeResponse.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([201, 400, 201]);
    const [c, d] = await Promise.all((await stream.events(2)).map((e) => decoder.decode(e)));
    expect([c!.body.Name, d!.body.Name]).toEqual(['Own One', 'Own Two']);
    expect(c!.header.transactionKey).not.toBe(d!.header.transactionKey);
    expect([c!.header.sequenceNumber, d!.header.sequenceNumber]).toEqual([1, 1]);
    expect([c!.header.changeOrigin, d!.header.changeOrigin]).toEqual(['com/salesforce/api/rest/66.0;client=syncd', 'com/salesforce/api/rest/66.0;client=syncd']);
  });

  it('publishes nothing for fixtures, and a reset empties the log', async () => {
    expect(sim.pubSub.retainedEvents()).toEqual([]);
    const accId = await idOf(`SELECT Id FROM Account WHERE Name = 'Acme Corporation'`);
    await renameAccount(accId, 'Acme One');
    await renameAccount(accId, 'Acme Two');
    const [first] = sim.pubSub.retainedEvents();
    expect((await fetch(`${sim.url}/__admin/reset`, { method: 'POST' })).status).toBe(200);
    expect(sim.pubSub.retainedEvents()).toEqual([]);
    const stream = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: first!.replayId, num_requested: 1 });
    const ended = await stream.closed();
    expect(ended?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorCode(ended)).toBe(ERROR_CODES.replayIdInvalid);
  });
});

describe('Salesforce Pub/Sub API: topics carry only enabled objects', () => {
  it('gives a per-object topic only its object, and /data/ChangeEvents every enabled one', async () => {
    await start();
    const accId = await idOf(`SELECT Id FROM Account WHERE Name = 'Globex'`);
    const quoteId = await idOf(`SELECT Id FROM Quote__c WHERE Quotey_Version__c = 2`);
    const oppId = await idOf(`SELECT Id FROM Opportunity WHERE Name = 'Globex - Expansion'`);
    await api.call('PATCH', `sobjects/Opportunity/${oppId}`, { Amount: 13000 });
    await renameAccount(accId, 'Globex Corp');
    await api.call('PATCH', `sobjects/Quote__c/${quoteId}`, { Status__c: 'Sent' });

    const all = open(client, md, { topic_name: '/data/ChangeEvents', replay_preset: 'EARLIEST', num_requested: 10 });
    const accounts = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'EARLIEST', num_requested: 10 });
    const quotes = open(client, md, { topic_name: '/data/Quote__ChangeEvent', replay_preset: 'EARLIEST', num_requested: 10 });
    const everything = await Promise.all((await all.events(3)).map((e) => decoder.decode(e)));
    expect(everything.map((e) => [e.schemaName, e.header.recordIds[0]])).toEqual([
      ['OpportunityChangeEvent', oppId],
      ['AccountChangeEvent', accId],
      ['Quote__ChangeEvent', quoteId],
    ]);
    const accountEvents = await accounts.events(1);
    expect((await decoder.decode(accountEvents[0]!)).header.recordIds).toEqual([accId]);
    expect(accountEvents[0]!.event.schema_id).toBe((await getTopic(client, md, ACCOUNT_TOPIC)).schema_id);
    const quoteEvents = await quotes.events(1);
    expect((await decoder.decode(quoteEvents[0]!)).body.Status__c).toBe('Sent');
    expect(await accounts.quietFor(200)).toBe(true);
    expect(await quotes.quietFor(0)).toBe(true);
  });

  it('has no topic and no events for an object not selected for Change Data Capture', async () => {
    await start({ changeEventEntities: ['account'] });
    const err = await rejection(getTopic(client, md, OPP_TOPIC));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(errorCode(err)).toBe(ERROR_CODES.topicNotFound);
    const refused = await open(client, md, { topic_name: OPP_TOPIC, num_requested: 1 }).closed();
    expect(refused?.code).toBe(grpc.status.NOT_FOUND);

    const all = open(client, md, { topic_name: '/data/ChangeEvents', num_requested: 10 });
    await all.accepted;
    const oppId = await idOf(`SELECT Id FROM Opportunity WHERE Name = 'Globex - Expansion'`);
    await api.call('PATCH', `sobjects/Opportunity/${oppId}`, { Amount: 1 });
    await renameAccount(await idOf(`SELECT Id FROM Account WHERE Name = 'Globex'`), 'Globex AG');
    const events = await all.events(1);
    expect((await decoder.decode(events[0]!)).header.entityName).toBe('Account');
    expect(await all.quietFor(200)).toBe(true);
    expect(sim.pubSub.retainedEvents().map((e) => e.entityName)).toEqual(['Account']);
  });
});

describe('Salesforce Pub/Sub API: flow control and replay', () => {
  let accId: string;

  beforeEach(async () => {
    await start({ pubSubKeepAliveMs: 200 });
    accId = await idOf(`SELECT Id FROM Account WHERE Name = 'Initech'`);
  });

  async function renames(n: number): Promise<void> {
    for (let i = 1; i <= n; i++) await renameAccount(accId, `Initech ${i}`);
  }

  it('never sends more than requested, and sends more after another FetchRequest', async () => {
    await renames(5);
    const stream = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'EARLIEST', num_requested: 2 });
    const first = await stream.next();
    expect(first.events).toHaveLength(2);
    expect(first.pending_num_requested).toBe(0);
    expect(first.latest_replay_id).toEqual(first.events[1]!.replay_id);
    expect(await stream.quietFor(400)).toBe(true);

    stream.fetch({ num_requested: 2 });
    const second = await stream.next();
    expect(second.events).toHaveLength(2);
    stream.fetch({ num_requested: 10 });
    const third = await stream.next();
    expect(third.events).toHaveLength(1);
    expect(third.pending_num_requested).toBe(9);

    const names = await Promise.all([...first.events, ...second.events, ...third.events].map(async (e) => (await decoder.decode(e)).body.Name));
    expect(names).toEqual(['Initech 1', 'Initech 2', 'Initech 3', 'Initech 4', 'Initech 5']);

    // Remaining credit is used by events published later, pushed as they happen.
    await renames(1);
    const live = await stream.next();
    expect(live.events).toHaveLength(1);
    expect(live.pending_num_requested).toBe(8);
  });

  it('rejects num_requested outside 1..100', async () => {
    for (const n of [0, 101]) {
      const ended = await open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: n }).closed();
      expect(ended?.code).toBe(grpc.status.INVALID_ARGUMENT);
    }
    const stream = open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 100 });
    await stream.accepted;
    stream.fetch({ num_requested: 101 });
    expect((await stream.closed())?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('resumes CUSTOM replay right after the given id, without gaps or duplicates', async () => {
    await renames(5);
    const all = await open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'EARLIEST', num_requested: 100 }).events(5);
    const ids = all.map((e) => e.replay_id.readBigUInt64BE());
    const steps = ids.slice(1).map((id, i) => Number(id - (ids[i] as bigint)));
    expect(steps.every((s) => s >= 1 && s <= 7)).toBe(true);
    expect(steps.some((s) => s > 1)).toBe(true);
    expect(new Set(all.map((e) => e.event.id)).size).toBe(5);

    const resumed = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: all[1]!.replay_id, num_requested: 100 });
    expect((await resumed.events(3)).map((e) => e.event.id)).toEqual(all.slice(2).map((e) => e.event.id));
    expect(await resumed.quietFor(100)).toBe(true);

    // From the newest id there is nothing to replay until something new happens.
    const tail = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: all[4]!.replay_id, num_requested: 100 });
    await tail.accepted;
    await renames(1);
    const [next] = await tail.events(1);
    expect(next!.replay_id.readBigUInt64BE()).toBeGreaterThan(ids[4] as bigint);
    expect((await decoder.decode(next!)).body.Name).toBe('Initech 1');
  });

  it('starts LATEST after the newest event and EARLIEST at the oldest retained one', async () => {
    await renames(2);
    const latest = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'LATEST', num_requested: 10 });
    await latest.accepted;
    const earliest = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'EARLIEST', num_requested: 10 });
    expect(await Promise.all((await earliest.events(2)).map(async (e) => (await decoder.decode(e)).body.Name))).toEqual(['Initech 1', 'Initech 2']);
    await renames(1);
    const [only] = await latest.events(1);
    expect((await decoder.decode(only!)).body.Name).toBe('Initech 1');
  });

  it('refuses corrupted replay ids and ids that are purged or were never issued', async () => {
    await renames(3);
    const retained = sim.pubSub.retainedEvents();
    const custom = (replayId: Buffer) => open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: replayId, num_requested: 5 }).closed();

    for (const corrupt of [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.alloc(12, 1)]) {
      const ended = await custom(corrupt);
      expect(ended?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(errorCode(ended)).toBe(ERROR_CODES.replayIdCorrupted);
    }
    const future = Buffer.alloc(8);
    future.writeBigUInt64BE(retained[2]!.replayId.readBigUInt64BE() + 1000n);
    const notIssued = await custom(future);
    expect(notIssued?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorCode(notIssued)).toBe(ERROR_CODES.replayIdInvalid);

    // Purging the first two: resuming after the first would skip the second, resuming after the
    // second loses nothing.
    expect(sim.pubSub.purgeEventsBefore(retained[2]!.commitTimestamp)).toBe(2);
    const purged = await custom(retained[0]!.replayId);
    expect(purged?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(errorCode(purged)).toBe(ERROR_CODES.replayIdInvalid);
    const fine = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: retained[1]!.replayId, num_requested: 5 });
    expect((await fine.events(1))[0]!.event.id).toBe(retained[2]!.eventId);
  });

  it('keeps events for the retention period on the record clock', async () => {
    await renames(1);
    const [old] = sim.pubSub.retainedEvents();
    const advance = (hours: number) =>
      fetch(`${sim.url}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: hours * 3_600_000 }) });
    await advance(71);
    await renames(1);
    expect(sim.pubSub.retainedEvents()).toHaveLength(2);
    await advance(2);
    const left = sim.pubSub.retainedEvents();
    expect(left.map((e) => e.eventId)).not.toContain(old!.eventId);
    expect(left).toHaveLength(1);

    const ended = await open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: Buffer.alloc(8, 0), num_requested: 5 }).closed();
    expect(errorCode(ended)).toBe(ERROR_CODES.replayIdInvalid);
    const earliest = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'EARLIEST', num_requested: 5 });
    expect((await earliest.events(1))[0]!.event.id).toBe(left[0]!.eventId);
  });

  it('sends keepalives with the latest replay id while a client waits with credit', async () => {
    await renames(1);
    // An Opportunity change after it moves the latest replay id past the Account topic's last event.
    await api.call('PATCH', `sobjects/Opportunity/${await idOf(`SELECT Id FROM Opportunity WHERE Name = 'Globex - Expansion'`)}`, { Amount: 5 });
    const latestId = sim.pubSub.retainedEvents()[1]!.replayId;
    const stream = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'EARLIEST', num_requested: 3 });
    const data = await stream.next();
    expect(data.events).toHaveLength(1);
    const started = Date.now();
    const keepalive = await stream.next(2000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(keepalive.events).toEqual([]);
    expect(keepalive.latest_replay_id).toEqual(latestId);
    expect(keepalive.pending_num_requested).toBe(2);
    expect((await stream.next(2000)).events).toEqual([]);

    // Resuming from a keepalive's id loses nothing.
    const resumed = open(client, md, { topic_name: ACCOUNT_TOPIC, replay_preset: 'CUSTOM', replay_id: keepalive.latest_replay_id, num_requested: 3 });
    await resumed.accepted;
    await renames(1);
    expect((await resumed.events(1)).length).toBe(1);
  });
});

describe('Salesforce Pub/Sub API: stream faults', () => {
  beforeEach(() => start());

  it('dropStreams ends every open stream with UNAVAILABLE', async () => {
    const a = open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 1 });
    const b = open(client, md, { topic_name: '/data/ChangeEvents', num_requested: 1 });
    await Promise.all([a.accepted, b.accepted]);
    expect(sim.pubSub.openStreams()).toBe(2);
    expect(sim.pubSub.dropStreams()).toBe(2);
    expect((await a.closed())?.code).toBe(grpc.status.UNAVAILABLE);
    expect((await b.closed())?.code).toBe(grpc.status.UNAVAILABLE);
    expect(sim.pubSub.openStreams()).toBe(0);

    const c = open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 1 });
    await c.accepted;
    const res = await fetch(`${sim.url}/__admin/pubsub/drop-streams`, { method: 'POST' });
    expect(await res.json()).toEqual({ dropped: 1 });
    expect((await c.closed())?.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('fails the next Subscribe calls with UNAVAILABLE on request', async () => {
    const res = await fetch(`${sim.url}/__admin/pubsub/fail-subscribes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 2 }) });
    expect(await res.json()).toEqual({ failNextSubscribes: 2 });
    for (let i = 0; i < 2; i++) expect((await open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 1 }).closed())?.code).toBe(grpc.status.UNAVAILABLE);
    const ok = open(client, md, { topic_name: ACCOUNT_TOPIC, num_requested: 1 });
    await ok.accepted;
    expect(sim.pubSub.openStreams()).toBe(1);
  });

  it('reports the log through the admin state route and purges through it', async () => {
    await renameAccount(await idOf(`SELECT Id FROM Account WHERE Name = 'Globex'`), 'Globex X');
    const state = (await (await fetch(`${sim.url}/__admin/pubsub`)).json()) as {
      topics: string[];
      latestReplayId: string;
      events: Array<{ entityName: string; changeType: string; commitTimestamp: number }>;
    };
    expect(state.topics).toEqual(['/data/AccountChangeEvent', '/data/ContactChangeEvent', '/data/OpportunityChangeEvent', '/data/Quote__ChangeEvent', '/data/ChangeEvents']);
    expect(state.events).toHaveLength(1);
    expect(state.events[0]).toMatchObject({ entityName: 'Account', changeType: 'UPDATE' });
    expect(Buffer.from(state.latestReplayId, 'base64')).toEqual(sim.pubSub.retainedEvents()[0]!.replayId);
    const purge = await fetch(`${sim.url}/__admin/pubsub/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ before: new Date(state.events[0]!.commitTimestamp + 1).toISOString() }),
    });
    expect(await purge.json()).toEqual({ purged: 1 });
    expect(sim.pubSub.retainedEvents()).toEqual([]);
  });
});
