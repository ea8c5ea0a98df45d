import { request as httpRequest } from 'node:http';
import { registerSecret } from '../../src/telemetry/secrets.js';
import { SyncCompleted, createTelemetry } from '../../src/telemetry/events.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { startServer, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/healthz', () => {
  it('answers 200 while the process is up, even when not ready', async () => {
    h = await startServer({ readiness: [{ name: 'store', check: () => false }] });
    const res = await fetch(h.url + '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('/readyz', () => {
  it('flips between 503 with reasons and 200 as the checks change', async () => {
    let storeUp = false;
    let started = 1;
    h = await startServer({
      readiness: [
        { name: 'store', check: async () => (storeUp ? true : { ready: false, reason: 'connection refused' }) },
        { name: 'pipelines', check: () => (started === 3 ? true : { ready: false, reason: `${started} of 3 pipelines started` }) },
      ],
    });
    let res = await fetch(h.url + '/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: 'not_ready',
      message: 'store: connection refused; pipelines: 1 of 3 pipelines started',
      checks: [
        { name: 'store', ready: false, reason: 'connection refused' },
        { name: 'pipelines', ready: false, reason: '1 of 3 pipelines started' },
      ],
    });

    storeUp = true;
    res = await fetch(h.url + '/readyz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toBe('pipelines: 1 of 3 pipelines started');

    started = 3;
    res = await fetch(h.url + '/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: [{ name: 'store', ready: true }, { name: 'pipelines', ready: true }] });

    storeUp = false;
    expect((await fetch(h.url + '/readyz')).status).toBe(503);
  });

  it('counts a throwing or hanging check as not ready, with secrets scrubbed from the reason', async () => {
    const secret = 'readyz-secret-pw-123';
    registerSecret(secret);
    h = await startServer({
      readinessTimeoutMs: 100,
      readiness: [
        {
          name: 'store',
          check: () => {
            throw new Error(`password authentication failed for ${secret}`);
          },
        },
        { name: 'pipelines', check: () => new Promise<boolean>(() => undefined) },
      ],
    });
    const started = Date.now();
    const res = await fetch(h.url + '/readyz');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: unknown[] };
    expect(body.checks).toEqual([
      { name: 'store', ready: false, reason: 'password authentication failed for [REDACTED]' },
      { name: 'pipelines', ready: false, reason: 'no answer within 100 ms' },
    ]);
  });

  it('is ready with no checks', async () => {
    h = await startServer({});
    expect((await fetch(h.url + '/readyz')).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('serves the registry in the Prometheus text format, outbox gauges included', async () => {
    h = await startServer({});
    h.metrics.observeOutbox(() => [{ tenant: 'acme', pipeline: 'quotes', depth: 4, oldestAgeSeconds: 12 }]);
    const telemetry = createTelemetry({ logger: createLogger({ level: 'silent' }), metrics: h.metrics });
    telemetry.emit(SyncCompleted, {
      tenant: 'acme',
      pipeline: 'quotes',
      connector: 'hubspot',
      record_id: 'q1',
      operation_id: 'o1',
      correlation_id: 'c1',
      outcome: 'updated',
    });
    const res = await fetch(h.url + '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE syncd_records_written_total counter');
    expect(text).toContain('syncd_records_written_total{tenant="acme",pipeline="quotes",connector="hubspot",outcome="updated"} 1');
    expect(text).toContain('syncd_outbox_queue_depth{tenant="acme",pipeline="quotes"} 4');
    expect(text).toContain('syncd_outbox_oldest_age_seconds{tenant="acme",pipeline="quotes"} 12');
  });
});

describe('errors', () => {
  it('answers unknown routes and thrown errors as JSON {error, message} with no stack', async () => {
    h = await startServer({}, (app) => {
      app.get('/boom', async () => {
        throw new Error('internal detail that must stay inside');
      });
    });
    const missing = await fetch(h.url + '/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found', message: 'no such route' });

    const boom = await fetch(h.url + '/boom');
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal', message: 'internal error' });
    expect(text).not.toContain('at ');
    expect(h.log().find((r) => r.event === 'integration.server.request_failed')).toMatchObject({ route: '/boom', status: 500, error: { message: 'internal detail that must stay inside' } });
    expect(await (await fetch(h.url + '/metrics')).text()).toContain('syncd_server_errors_total{route="/boom"} 1');
  });

  it('answers webhooks 404 when no webhook intake is configured', async () => {
    h = await startServer({});
    const res = await fetch(h.url + '/webhooks/acme/hubspot', { method: 'POST', body: '[]' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'no such route' });
  });
});

describe('graceful close', () => {
  it('stops accepting new connections but answers the requests in flight before resolving', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const server = await startServer({}, (app) => {
      app.get('/slow', async () => {
        entered();
        await gate;
        return { done: true };
      });
    });
    const slow = fetch(server.url + '/slow').then(async (r) => ({ status: r.status, body: await r.json() }));
    await inside;

    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);

    // A new connection is refused while closing.
    const refused = await new Promise<string>((resolve) => {
      const req = httpRequest(server.url + '/healthz', { agent: false }, (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      req.end();
    });
    expect(refused).toBe('ECONNREFUSED');

    release();
    expect(await slow).toEqual({ status: 200, body: { done: true } });
    await closing;
    expect(closed).toBe(true);
  });

  it('cuts requests still in flight once the close timeout has passed', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const server = await startServer({ closeTimeoutMs: 200 }, (app) => {
      app.get('/stuck', async () => {
        entered();
        return new Promise(() => undefined);
      });
    });
    const stuck = fetch(server.url + '/stuck').then(
      (r) => `answered ${r.status}`,
      () => 'connection cut',
    );
    await inside;
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await stuck).toBe('connection cut');
  });
});
