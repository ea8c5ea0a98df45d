import { register as globalRegistry } from 'prom-client';
import { createMetrics, labelValue, renderMetrics, MAX_LABEL_LENGTH } from '../../src/telemetry/metrics.js';
import { SecretRegistry } from '../../src/telemetry/secrets.js';

describe('createMetrics', () => {
  it('uses a registry of its own, so two instances never collide', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.conflicts.inc({ tenant: 't', pipeline: 'p', class: 'stale_write' });
    expect(await b.registry.getSingleMetricAsString('syncd_conflicts_total')).not.toContain('stale_write');
    expect(await a.registry.getSingleMetricAsString('syncd_conflicts_total')).toContain(
      'syncd_conflicts_total{tenant="t",pipeline="p",class="stale_write"} 1',
    );
    expect(globalRegistry.getSingleMetric('syncd_conflicts_total')).toBeUndefined();
  });

  it('exposes the metrics named in the design', async () => {
    const m = createMetrics();
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'syncd_records_read_total',
        'syncd_records_written_total',
        'syncd_sync_operations_total',
        'syncd_conflicts_total',
        'syncd_write_retries_total',
        'syncd_dead_lettered_total',
        'syncd_outbox_queue_depth',
        'syncd_outbox_oldest_age_seconds',
        'syncd_records_awaiting_reference',
        'syncd_rate_limit_wait_seconds',
        'syncd_rate_limited_responses_total',
        'syncd_webhook_events_received_total',
        'syncd_webhook_requests_rejected_total',
        'syncd_http_request_duration_seconds',
        'syncd_process_cpu_seconds_total',
      ]),
    );
  });

  it('reads outbox gauges from the provider once per scrape, and forgets pipelines that disappear', async () => {
    const m = createMetrics({ processMetrics: false });
    let calls = 0;
    let rows = [
      { tenant: 'acme', pipeline: 'quotes', depth: 7, oldestAgeSeconds: 42.5, awaitingReference: 3 },
      { tenant: 'acme', pipeline: 'contacts', depth: 0, oldestAgeSeconds: 0 },
    ];
    m.observeOutbox(async () => {
      calls++;
      return rows;
    });
    const text = await m.registry.metrics();
    expect(calls).toBe(1);
    expect(text).toContain('syncd_outbox_queue_depth{tenant="acme",pipeline="quotes"} 7');
    expect(text).toContain('syncd_outbox_oldest_age_seconds{tenant="acme",pipeline="quotes"} 42.5');
    expect(text).toContain('syncd_records_awaiting_reference{tenant="acme",pipeline="quotes"} 3');
    expect(text).toContain('syncd_records_awaiting_reference{tenant="acme",pipeline="contacts"} 0');
    expect(text).toContain('syncd_outbox_queue_depth{tenant="acme",pipeline="contacts"} 0');

    rows = [{ tenant: 'acme', pipeline: 'quotes', depth: 1, oldestAgeSeconds: 3 }];
    m.observeOutbox(() => rows);
    const next = await m.registry.metrics();
    expect(next).toContain('syncd_outbox_queue_depth{tenant="acme",pipeline="quotes"} 1');
    expect(next).not.toContain('pipeline="contacts"');
  });

  it('keeps serving the other metrics when the outbox provider fails', async () => {
    const m = createMetrics({ processMetrics: false });
    m.observeOutbox(() => {
      throw new Error('store down');
    });
    m.rateLimited.inc({ tenant: 't', connector: 'hubspot' });
    const text = await m.registry.metrics();
    expect(text).toContain('syncd_rate_limited_responses_total{tenant="t",connector="hubspot"} 1');
    expect(text).not.toMatch(/syncd_outbox_queue_depth\{/);
  });
});

describe('labelValue and renderMetrics', () => {
  it('scrubs secrets from label values and bounds their length', () => {
    const secrets = new SecretRegistry();
    secrets.register('label-secret-value');
    expect(labelValue('pipe-label-secret-value', secrets)).toBe('pipe-[REDACTED]');
    expect(labelValue('x'.repeat(500), secrets)).toHaveLength(MAX_LABEL_LENGTH);
    expect(labelValue(undefined, secrets)).toBe('');
  });

  it('scrubs registered values from the exposition text as a last guard', async () => {
    const secrets = new SecretRegistry();
    secrets.register('leaked-into-label');
    const m = createMetrics({ processMetrics: false });
    m.rateLimited.inc({ tenant: 'leaked-into-label', connector: 'c' });
    const text = await renderMetrics(m, secrets);
    expect(text).not.toContain('leaked-into-label');
    expect(text).toContain('tenant="[REDACTED]"');
  });
});
