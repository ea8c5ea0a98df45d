/**
 * The subset of `fetch` the connector uses, over `node:http`/`node:https` with keep-alive agents.
 * The global fetch goes through web streams and costs several times more CPU per request, which
 * shows on the hot path of batch writes and list pages.
 */
import http from 'node:http';
import https from 'node:https';

export interface NodeFetchOptions {
  /** Sockets kept per host. Default: 64. */
  maxSockets?: number;
}

export function createNodeFetch(opts: NodeFetchOptions = {}): typeof fetch {
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 64 };
  const httpAgent = new http.Agent(agentOpts);
  const httpsAgent = new https.Agent(agentOpts);

  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
      if (body) headers['content-length'] = String(body.length);
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const req = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const resHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v === undefined) continue;
            if (Array.isArray(v)) for (const item of v) resHeaders.append(k, item);
            else resHeaders.set(k, v);
          }
          const status = res.statusCode ?? 0;
          // Statuses outside 200–599 are not allowed in a Response; they are failures here anyway.
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(
            new Response(status === 204 || status === 304 || text === '' ? null : text, {
              status: status >= 200 && status <= 599 ? status : 599,
              headers: resHeaders,
            }),
          );
        });
      });
      function fail(err: unknown): void {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      }
      function onAbort(): void {
        req.destroy();
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(body);
    });
  return nodeFetch as typeof fetch;
}
