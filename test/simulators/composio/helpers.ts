/**
 * Shared test plumbing: raw HTTP calls to the Composio simulator, a check that every answer fits
 * Composio's OpenAPI document, and a Composio simulator wired to a HubSpot simulator.
 */
import { startComposioSimulator, type RunningComposioSimulator, type StartComposioOptions } from '../../../src/simulators/composio/index.js';
import { startHubspotSimulator } from '../../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { loadOpenApi, type SpecErratum } from '../../support/openapi.js';

export const spec = loadOpenApi('composio/openapi.json');
/** Outside CI a missing spec skips the suites; with CI=true loading threw already. */
export const specMissing = !spec;

/**
 * The rate-limit docs give the 429 body as `{"message": …}` (FACTS §4.5) while the spec declares
 * its `Error` body; the simulator sends the docs' body by default.
 */
export const DOCS_429_ERRATA: SpecErratum[] = [{ path: '', keyword: 'required', why: 'FACTS §4.5: the 429 body is {"message"} per the rate-limit docs' }];

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export async function call(
  base: string,
  method: Method,
  path: string,
  options: { body?: unknown; apiKey?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Asserts that an API answer (and the request body it accepted) fits the spec. */
export function expectFitsSpec(method: Method, path: string, answer: Answer, requestBody?: unknown, errata?: SpecErratum[]): void {
  if (!spec) throw new Error('spec not loaded');
  const template = spec.templateFor(method, path);
  if (!template) throw new Error(`no spec operation for ${method} ${path}`);
  if (requestBody !== undefined && answer.status < 300) spec.expectRequest(method, template, requestBody);
  spec.expectResponse(method, template, answer.status, answer.body, errata ? { errata } : {});
}

/** An API call (with the simulator's key unless another is given) whose answer is spec-checked. */
export async function api(
  sim: RunningComposioSimulator,
  method: Method,
  path: string,
  options: { body?: unknown; apiKey?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const answer = await call(sim.url, method, path, { apiKey: sim.apiKey, ...options });
  expectFitsSpec(method, path, answer, options.body);
  return answer;
}

export interface Pair {
  hubspot: RunningSimulator;
  composio: RunningComposioSimulator;
  close(): Promise<void>;
}

/** A HubSpot simulator and a Composio simulator whose `hubspot` provider is it. */
export async function startWithHubspot(options: StartComposioOptions = {}): Promise<Pair> {
  const hubspot = await startHubspotSimulator({ limits: { tenSecond: 10_000, searchPerSecond: 1_000 } });
  const composio = await startComposioSimulator({ ...options, providers: { hubspot: { baseUrl: hubspot.url }, ...options.providers } });
  return {
    hubspot,
    composio,
    close: async () => {
      await composio.close();
      await hubspot.close();
    },
  };
}

/** A HubSpot record as an admin sees it, or the 404 status. */
export async function hubspotRecord(hubspot: RunningSimulator, type: string, id: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${hubspot.url}/__admin/records/${type}/${id}`);
  return { status: res.status, body: await res.json() };
}
