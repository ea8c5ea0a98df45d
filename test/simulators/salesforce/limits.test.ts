/**
 * The daily API budget: `Sforce-Limit-Info` on every REST response but the version list, the
 * Limits resource, and 403 REQUEST_LIMIT_EXCEEDED once it is spent.
 */
import { startSalesforceSimulator, type RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';
import { rawClient } from './rawClient.js';

let sim: RunningSalesforceSimulator;

afterEach(async () => {
  await sim.close();
});

describe('Salesforce API limits', () => {
  it('counts every call, reports usage in a header and refuses calls beyond the limit', async () => {
    sim = await startSalesforceSimulator({ config: { dailyApiRequestLimit: 4 } });
    const api = rawClient(sim);

    const versions = await fetch(`${sim.url}/services/data/`);
    expect(versions.headers.get('sforce-limit-info')).toBeNull();
    expect(await versions.json()).toEqual([
      { label: "Spring '26", url: '/services/data/v66.0', version: '66.0' },
      { label: "Summer '26", url: '/services/data/v67.0', version: '67.0' },
    ]);

    const seen: Array<string | null> = [];
    for (const path of ['sobjects', 'query?q=SELECT+Id+FROM+Account', 'sobjects/Account/describe']) {
      const res = await api.call('GET', path);
      expect(res.status).toBe(200);
      seen.push(res.headers.get('sforce-limit-info'));
    }
    expect(seen).toEqual(['api-usage=1/4', 'api-usage=2/4', 'api-usage=3/4']);

    const limits = await api.call('GET', 'limits');
    expect(limits.body.DailyApiRequests).toEqual({ Max: 4, Remaining: 0 });
    expect(limits.headers.get('sforce-limit-info')).toBe('api-usage=4/4');

    const refused = await api.call('GET', 'sobjects');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=4/4');

    // The version list stays free even with the budget spent.
    expect((await fetch(`${sim.url}/services/data/`)).status).toBe(200);

    await fetch(`${sim.url}/__admin/limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ used: 0 }) });
    expect((await api.call('GET', 'sobjects')).headers.get('sforce-limit-info')).toBe('api-usage=1/4');
  });

  it('does not charge calls rejected for an invalid session', async () => {
    sim = await startSalesforceSimulator();
    const res = await fetch(`${sim.url}/services/data/v66.0/limits`);
    expect(res.status).toBe(401);
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=0/15000');
  });
});
