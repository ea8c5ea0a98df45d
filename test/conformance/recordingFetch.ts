/**
 * A `fetch` for `createConnectorClient` that keeps every request the connector sends and every
 * response it gets, bodies parsed, so a test can check them against the vendor's OpenAPI document.
 */
import { createNodeFetch } from '../../src/connectors/http/nodeFetch.js';

export interface Exchange {
  method: string;
  url: URL;
  /** Parsed JSON request body; a form body stays text; undefined when there is none. */
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

export interface RecordingFetch {
  fetch: typeof fetch;
  readonly exchanges: Exchange[];
  /** Exchanges recorded from now on (index into `exchanges`). */
  mark(): number;
  since(mark: number): Exchange[];
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function recordingFetch(): RecordingFetch {
  const inner = createNodeFetch();
  const exchanges: Exchange[] = [];
  const wrapped = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const res = await inner(url, init);
    const text = await res.text();
    exchanges.push({
      method: (init.method ?? 'GET').toUpperCase(),
      url,
      requestBody: typeof init.body === 'string' ? parse(init.body) : undefined,
      status: res.status,
      responseBody: parse(text),
    });
    // The body was consumed above; the connector gets an identical copy.
    return new Response(res.status === 204 || res.status === 304 || text === '' ? null : text, { status: res.status, headers: res.headers });
  };
  return {
    fetch: wrapped as typeof fetch,
    exchanges,
    mark: () => exchanges.length,
    since: (mark) => exchanges.slice(mark),
  };
}
