/**
 * A bare HTTP client for asserting the simulator's wire format (status, headers, exact bodies)
 * without any SDK in between.
 */
import type { RunningSalesforceSimulator } from '../../../src/simulators/salesforce/index.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
}

export interface RawClient {
  token: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  /** GET `/services/data/v66.0/query?q=…`. */
  query(soql: string, headers?: Record<string, string>): Promise<RawResponse>;
}

export function rawClient(sim: RunningSalesforceSimulator, version = '66.0'): RawClient {
  const token = sim.issueAccessToken();
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const url = path.startsWith('/') ? `${sim.url}${path}` : `${sim.url}/services/data/v${version}/${path}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return { token, call, query: (soql, headers) => call('GET', `query?q=${encodeURIComponent(soql)}`, undefined, headers) };
}
