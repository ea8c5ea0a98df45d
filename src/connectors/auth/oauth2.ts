/**
 * OAuth 2 with a refresh token. The access token is refreshed `refreshEarly` before it expires
 * and after a 401, once for all concurrent callers (they share one in-flight refresh). A refresh
 * token the vendor rotates is saved through the `CredentialStore` before anyone uses the new
 * access token, so a crash cannot lose it. A refused refresh (`invalid_grant`, 400, 401, 403)
 * means the connection needs reconnecting: an auth error, never retried blindly.
 */
import { durationMs } from '../../spec/duration.js';
import type { AuthSpec } from '../../spec/types.js';
import { networkErrorCode } from '../classify.js';
import { ConnectorError } from '../errors.js';
import type { ConnectorMetrics } from '../metrics.js';
import type { SecretScrubber } from '../redact.js';
import type { CredentialStore, StoredCredentials } from './credentialStore.js';
import type { Authenticator, Credentials } from './types.js';

type OAuth2Spec = Extract<AuthSpec, { type: 'oauth2' }>;

export interface OAuth2Options {
  spec: OAuth2Spec;
  connection: string;
  /** The connector's base URL: a relative `tokenUrl` is resolved against it. */
  baseUrl: string;
  store?: CredentialStore;
  fetch: typeof fetch;
  timeoutMs: number;
  scrubber: SecretScrubber;
  metrics?: ConnectorMetrics;
  now?: () => number;
}

/** Default of `refreshEarly`. */
const DEFAULT_REFRESH_EARLY_MS = 60_000;
const OPERATION = 'auth.refresh';

export class OAuth2Authenticator implements Authenticator {
  private state: StoredCredentials | undefined;
  private loaded: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private version = 0;
  /** The credentials version a vendor answered 401 to; it is not used again. */
  private rejectedVersion = -1;
  private readonly refreshEarlyMs: number;
  private readonly tokenUrl: string;
  private readonly now: () => number;

  constructor(private readonly o: OAuth2Options) {
    this.refreshEarlyMs = durationMs(o.spec.refreshEarly, DEFAULT_REFRESH_EARLY_MS);
    this.tokenUrl = /^https?:\/\//.test(o.spec.tokenUrl) ? o.spec.tokenUrl : o.baseUrl.replace(/\/+$/, '') + o.spec.tokenUrl;
    this.now = o.now ?? Date.now;
    for (const s of [o.spec.clientSecret, o.spec.refreshToken, o.spec.clientId]) o.scrubber.add(s);
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const stored = await this.o.store?.load(this.o.connection);
      this.state = stored ?? { refreshToken: this.o.spec.refreshToken };
      this.o.scrubber.add(this.state.refreshToken);
      this.o.scrubber.add(this.state.accessToken);
    })();
    return this.loaded;
  }

  private fresh(): boolean {
    const s = this.state;
    if (!s?.accessToken || this.rejectedVersion === this.version) return false;
    return s.expiresAt === undefined || s.expiresAt - this.refreshEarlyMs > this.now();
  }

  async credentials(signal?: AbortSignal): Promise<Credentials> {
    await this.load();
    if (!this.fresh()) await this.refresh(signal);
    const s = this.state as StoredCredentials;
    const creds: Credentials = { headers: { authorization: `Bearer ${s.accessToken}` }, version: this.version };
    if (s.instanceUrl) creds.baseUrl = s.instanceUrl;
    return creds;
  }

  async unauthorized(version: number, signal?: AbortSignal): Promise<boolean> {
    await this.load();
    // Someone already refreshed since this request was signed: just use the new token.
    if (version !== this.version && this.fresh()) return true;
    this.rejectedVersion = this.version;
    await this.refresh(signal);
    return true;
  }

  private refresh(signal?: AbortSignal): Promise<void> {
    this.refreshing ??= this.doRefresh(signal).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(signal?: AbortSignal): Promise<void> {
    const { spec } = this.o;
    const current = this.state as StoredCredentials;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (spec.clientAuthentication === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${spec.clientId}:${spec.clientSecret}`).toString('base64')}`;
    } else {
      form.set('client_id', spec.clientId);
      form.set('client_secret', spec.clientSecret);
    }
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(this.tokenUrl, { method: 'POST', headers, body: form.toString(), signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      this.o.metrics?.tokenRefresh?.({ connection: this.o.connection, outcome: 'failed' });
      const code = networkErrorCode(err);
      throw new ConnectorError(`${OPERATION}: token endpoint unreachable (${code})`, { class: 'transient', code, operation: OPERATION });
    }
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A non-JSON body is reported by status below.
    }
    const grantError = typeof body.error === 'string' ? body.error : undefined;
    if (!res.ok || typeof body.access_token !== 'string') {
      this.o.metrics?.tokenRefresh?.({ connection: this.o.connection, outcome: 'failed' });
      const refused = grantError === 'invalid_grant' || res.status === 400 || res.status === 401 || res.status === 403;
      const described = typeof body.error_description === 'string' ? body.error_description : grantError;
      const vendorMessage = described === undefined ? undefined : this.o.scrubber.scrub(described.slice(0, 500));
      const cls = refused ? 'auth' : res.ok || res.status === 429 || res.status >= 500 ? 'transient' : 'auth';
      throw new ConnectorError(
        `${OPERATION}: token refresh ${refused ? 'refused; the connection needs reconnecting' : 'failed'} (HTTP ${res.status})${vendorMessage ? `: ${vendorMessage}` : ''}`,
        { class: cls, status: res.status, code: refused ? (grantError ?? 'refresh_refused') : 'refresh_failed', operation: OPERATION, ...(vendorMessage ? { vendorMessage } : {}) },
      );
    }
    const next: StoredCredentials = {
      refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : current.refreshToken,
      accessToken: body.access_token,
    };
    const expiresIn = Number(body.expires_in);
    if (Number.isFinite(expiresIn) && expiresIn > 0) next.expiresAt = this.now() + expiresIn * 1000;
    const instance = spec.instanceUrlField ? body[spec.instanceUrlField] : undefined;
    if (typeof instance === 'string' && instance) next.instanceUrl = instance.replace(/\/+$/, '') + (spec.instanceUrlSuffix ?? '');
    else if (current.instanceUrl) next.instanceUrl = current.instanceUrl;
    this.o.scrubber.add(next.accessToken);
    this.o.scrubber.add(next.refreshToken);
    await this.o.store?.save(this.o.connection, next);
    this.state = next;
    this.version++;
    this.o.metrics?.tokenRefresh?.({ connection: this.o.connection, outcome: 'ok' });
  }
}
