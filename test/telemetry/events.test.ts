import { randomBytes } from 'node:crypto';
import {
  createTelemetry,
  ConflictOpened,
  ConnectionNeedsReconnect,
  DeadLettered,
  HttpRequestCompleted,
  RateLimited,
  RateLimitWait,
  RecordsRead,
  SyncCompleted,
  SyncFailed,
  SyncStarted,
  WebhookRejected,
  WriteRetried,
  type Telemetry,
} from '../../src/telemetry/events.js';
import { createMetrics, renderMetrics } from '../../src/telemetry/metrics.js';
import { registerSecret } from '../../src/telemetry/secrets.js';
import { capturingLogger } from './capture.js';

function setup(level: 'debug' | 'info' = 'info') {
  const { logger, lines, records } = capturingLogger({ level });
  const metrics = createMetrics({ processMetrics: false });
  const telemetry: Telemetry = createTelemetry({ logger, metrics });
  const value = async (name: string) => (await metrics.registry.getSingleMetricAsString(name)) ?? '';
  return { telemetry, metrics, lines, records, value };
}

const ids = {
  tenant: 'acme',
  pipeline: 'quotes-to-hubspot',
  record_id: 'q-1001',
  quote_id: 'q-1001',
  operation_id: 'op-7',
  correlation_id: 'corr-3',
  connector: 'hubspot',
};

describe('sync lifecycle events', () => {
  it('log the identifying fields and count started, completed and failed operations', async () => {
    const { telemetry, records, value } = setup();
    telemetry.emit(SyncStarted, ids);
    telemetry.emit(SyncCompleted, { ...ids, outcome: 'created', duration_ms: 120 });
    telemetry.emit(SyncStarted, { ...ids, operation_id: 'op-8' });
    telemetry.emit(SyncFailed, { ...ids, operation_id: 'op-8', error_class: 'mapping', error: new Error('missing required field amount') });

    const recs = records();
    expect(recs.map((r) => [r.event, r.level])).toEqual([
      ['integration.crm.sync_started', 'info'],
      ['integration.crm.sync_completed', 'info'],
      ['integration.crm.sync_started', 'info'],
      ['integration.crm.sync_failed', 'error'],
    ]);
    for (const r of recs) {
      expect(r).toMatchObject({ tenant: 'acme', pipeline: 'quotes-to-hubspot', record_id: 'q-1001', quote_id: 'q-1001', correlation_id: 'corr-3' });
    }
    expect(recs[3]).toMatchObject({ operation_id: 'op-8', error_class: 'mapping', error: { type: 'Error', message: 'missing required field amount' } });

    const ops = await value('syncd_sync_operations_total');
    expect(ops).toContain('syncd_sync_operations_total{tenant="acme",pipeline="quotes-to-hubspot",outcome="started"} 2');
    expect(ops).toContain('outcome="completed"} 1');
    expect(ops).toContain('outcome="failed"} 1');
    const written = await value('syncd_records_written_total');
    expect(written).toContain('syncd_records_written_total{tenant="acme",pipeline="quotes-to-hubspot",connector="hubspot",outcome="created"} 1');
    expect(written).toContain('outcome="failed"} 1');
    expect(await value('syncd_sync_duration_seconds')).toContain(
      'syncd_sync_duration_seconds_sum{tenant="acme",pipeline="quotes-to-hubspot",outcome="completed"} 0.12',
    );
  });
});

describe('event definitions', () => {
  it('declare the identifiers the design requires on every sync lifecycle event', () => {
    for (const e of [SyncStarted, SyncCompleted, SyncFailed]) {
      expect(Object.keys(e.fields)).toEqual(expect.arrayContaining(['tenant', 'pipeline', 'record_id', 'quote_id', 'operation_id', 'correlation_id']));
    }
  });

  it('log only declared fields, so a stray property passed along is dropped', () => {
    const { telemetry, records } = setup();
    const withExtra = { ...ids, session: { cookie: 'x' }, raw_body: 'y' };
    telemetry.emit(SyncStarted, withExtra);
    expect(Object.keys(records()[0] ?? {}).sort()).toEqual(
      ['connector', 'correlation_id', 'event', 'level', 'msg', 'operation_id', 'pipeline', 'quote_id', 'record_id', 'tenant', 'time'],
    );
  });
});

describe('operational events', () => {
  it('count retries, dead letters, conflicts, reconnects, webhook rejections, rate-limit waits and 429s', async () => {
    const { telemetry, records, value } = setup();
    telemetry.emit(WriteRetried, { ...ids, error_class: 'transient', attempt: 2, delay_ms: 400 });
    telemetry.emit(WriteRetried, { ...ids, error_class: 'transient', attempt: 3, delay_ms: 900 });
    telemetry.emit(DeadLettered, { ...ids, error_class: 'transient', attempts: 5 });
    telemetry.emit(ConflictOpened, { tenant: 'acme', pipeline: 'p', record_id: 'r', conflict_class: 'immutable_field', field: 'currency' });
    telemetry.emit(ConnectionNeedsReconnect, { tenant: 'acme', connector: 'pipedrive', reason: 'refresh token revoked', status: 401 });
    telemetry.emit(WebhookRejected, { tenant: 'acme', connection: 'hubspot', reason: 'bad_signature', status: 401 });
    telemetry.emit(RateLimitWait, { tenant: 'acme', connector: 'hubspot', wait_ms: 250 });
    telemetry.emit(RateLimited, { tenant: 'acme', connector: 'hubspot', retry_after_ms: 1000 });

    expect(await value('syncd_write_retries_total')).toContain('class="transient"} 2');
    expect(await value('syncd_dead_lettered_total')).toContain('class="transient"} 1');
    expect(await value('syncd_records_written_total')).toContain('outcome="dead_lettered"} 1');
    expect(await value('syncd_conflicts_total')).toContain('syncd_conflicts_total{tenant="acme",pipeline="p",class="immutable_field"} 1');
    expect(await value('syncd_connection_reconnect_required_total')).toContain('{tenant="acme",connector="pipedrive"} 1');
    expect(await value('syncd_webhook_requests_rejected_total')).toContain('{tenant="acme",connection="hubspot",reason="bad_signature"} 1');
    expect(await value('syncd_rate_limit_wait_seconds')).toContain('syncd_rate_limit_wait_seconds_sum{tenant="acme",connector="hubspot"} 0.25');
    expect(await value('syncd_rate_limited_responses_total')).toContain('{tenant="acme",connector="hubspot"} 1');

    // The rate-limit wait is a debug event: counted, but not logged at level info.
    expect(records().map((r) => r.event)).toEqual([
      'integration.crm.write_retried',
      'integration.crm.write_retried',
      'integration.crm.dead_lettered',
      'integration.crm.conflict_opened',
      'integration.crm.connection_needs_reconnect',
      'integration.crm.webhook_rejected',
      'integration.crm.rate_limited',
    ]);
  });

  it('logs debug events when the level allows, and counts records read and HTTP durations by status class', async () => {
    const { telemetry, records, value } = setup('debug');
    telemetry.emit(RecordsRead, { tenant: 'acme', pipeline: 'p', connector: 'salesforce', count: 200, outcome: 'read' });
    telemetry.emit(HttpRequestCompleted, { tenant: 'acme', connector: 'salesforce', method: 'GET', status: 200, duration_ms: 80 });
    telemetry.emit(HttpRequestCompleted, { tenant: 'acme', connector: 'salesforce', method: 'GET', status: 429, duration_ms: 5 });
    telemetry.emit(HttpRequestCompleted, { tenant: 'acme', connector: 'salesforce', method: 'GET', duration_ms: 30000 });
    expect(records()).toHaveLength(4);
    expect(await value('syncd_records_read_total')).toContain('{tenant="acme",pipeline="p",connector="salesforce",outcome="read"} 200');
    const http = await value('syncd_http_request_duration_seconds');
    for (const outcome of ['2xx', '429', 'error']) {
      expect(http).toContain(`syncd_http_request_duration_seconds_count{tenant="acme",connector="salesforce",outcome="${outcome}"} 1`);
    }
  });

  it('does not let an unknown webhook connection mint label values', async () => {
    const { telemetry, records, value } = setup();
    telemetry.emit(WebhookRejected, { tenant: 'random-1', connection: 'random-2', reason: 'unknown_connection', status: 404 });
    const text = await value('syncd_webhook_requests_rejected_total');
    expect(text).toContain('{tenant="",connection="",reason="unknown_connection"} 1');
    expect(text).not.toContain('random-1');
    expect(records()[0]).toMatchObject({ tenant: 'random-1', reason: 'unknown_connection' });
  });
});

describe('a planted secret', () => {
  it('never reaches the log output nor the /metrics text', async () => {
    const { telemetry, metrics, lines } = setup('debug');
    const secret = `sk_${randomBytes(12).toString('hex')}`;
    const keyOnly = `ko_${randomBytes(12).toString('hex')}`;
    registerSecret(secret);

    const vendorError = Object.assign(new Error(`401 from vendor: token ${secret} is invalid`), {
      response: {
        status: 401,
        headers: { 'www-authenticate': `Bearer error="${secret}"` },
        body: { details: { nested: [{ echo: secret }] } },
      },
      request: { headers: { Authorization: `Bearer ${keyOnly}`, 'X-Api-Key': keyOnly, accept: 'application/json' } },
    });
    const headers = new Headers({ authorization: `Bearer ${secret}`, 'x-trace': secret });

    telemetry.emit(SyncFailed, { ...ids, error_class: 'auth', error: vendorError });
    telemetry.emit(WriteRetried, { ...ids, error_class: 'transient', attempt: 1, delay_ms: 10, error: { headers, message: `retrying with ${secret}` } });
    telemetry.emit(ConnectionNeedsReconnect, { tenant: 'acme', connector: 'hubspot', reason: `token ${secret} revoked` });
    // A secret mistakenly used as a label value (say, a tenant named after a token).
    telemetry.emit(RateLimitWait, { tenant: secret, connector: 'hubspot', wait_ms: 5 });
    telemetry.emit(SyncStarted, { ...ids, pipeline: `p-${secret}` });

    const log = lines.join('');
    expect(lines).toHaveLength(5);
    expect(log).not.toContain(secret);
    expect(log).not.toContain(keyOnly);
    expect(log).toContain('[REDACTED]');
    const failed = JSON.parse(lines[0] as string) as { error: { message: string; request: { headers: Record<string, string> } } };
    expect(failed.error.message).toBe('401 from vendor: token [REDACTED] is invalid');
    expect(failed.error.request.headers).toEqual({ Authorization: '[REDACTED]', 'X-Api-Key': '[REDACTED]', accept: 'application/json' });

    const text = await renderMetrics(metrics);
    expect(text).not.toContain(secret);
    expect(text).toContain('syncd_rate_limit_wait_seconds_count{tenant="[REDACTED]",connector="hubspot"} 1');
    expect(text).toContain('pipeline="p-[REDACTED]"');
  });
});
