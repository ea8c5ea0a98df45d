/**
 * Shared test plumbing: raw HTTP calls to a simulator, and a check that every answer fits
 * Pipedrive's own OpenAPI documents.
 */
import { loadOpenApi, type OpenApiDocument } from '../../support/openapi.js';
import { V1_ERRATA, V2_ERRATA } from './specErrata.js';

export const v2Spec = loadOpenApi('pipedrive/v2.yaml');
export const v1Spec = loadOpenApi('pipedrive/v1.yaml');
/** Outside CI a missing spec skips the suites that need it; with CI=true loading threw already. */
export const specsMissing = !v2Spec || !v1Spec;

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export async function call(
  base: string,
  method: Method,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['x-api-token'] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * Asserts that an answer fits the spec of the API version its path belongs to; when the simulator
 * accepted a request body, that body must fit the spec's request schema too.
 */
export function expectFitsSpec(method: Method, path: string, answer: Answer, requestBody?: unknown): void {
  const pathname = path.split('?')[0] as string;
  const [spec, errata, relative] = pathname.startsWith('/api/v2/')
    ? [v2Spec, V2_ERRATA, pathname.slice('/api/v2'.length)]
    : [v1Spec, V1_ERRATA, pathname.slice('/v1'.length)];
  const doc = spec as OpenApiDocument;
  const template = doc.templateFor(method as 'GET', relative);
  if (!template) throw new Error(`no spec operation for ${method} ${relative}`);
  const operation = doc.operation(method as 'GET', template);
  if (requestBody !== undefined && answer.status < 300 && operation.requestBody) doc.expectRequest(method as 'POST', template, requestBody);
  const declared = Object.keys(operation.responses ?? {});
  if (answer.status >= 400 && !declared.includes(String(answer.status))) {
    // v2 operations declare only their 200; errors use the general envelope of FACTS §2.4.
    expectErrorEnvelope(answer.body);
    return;
  }
  doc.expectResponse(method as 'GET', template, answer.status, answer.body, { errata });
}

/** A call whose answer is checked against the spec before it is returned. */
export async function checked(base: string, method: Method, path: string, options: Parameters<typeof call>[3] = {}): Promise<Answer> {
  const answer = await call(base, method, path, options);
  expectFitsSpec(method, path, answer, options.body);
  return answer;
}

/** The general error envelope (FACTS §2.4). */
export function expectErrorEnvelope(body: unknown): void {
  expect(body).toMatchObject({ success: false, error: expect.any(String), error_info: expect.any(String), data: null, additional_data: null });
}
