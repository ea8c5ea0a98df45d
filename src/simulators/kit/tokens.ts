/**
 * OAuth-style credentials for simulators: static tokens (HubSpot private apps, Pipedrive API
 * tokens), access tokens with a lifetime, and refresh tokens that may rotate. The fault modes
 * `expireTokens` and `revoked` act here.
 */
import { randomBytes } from 'node:crypto';
import type { FaultController } from './faults.js';

export interface AccessToken {
  token: string;
  issuedAt: number;
  /** Absent for tokens that live until revoked. */
  expiresAt?: number;
  /** Identifies the account (portal, company, org) the token belongs to. */
  account: string;
}

export type TokenCheck = { ok: true; token: AccessToken } | { ok: false; reason: 'expired' | 'revoked' | 'invalid' };

export interface RefreshResult {
  access: AccessToken;
  refreshToken: string;
}

export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, string>();
  /**
   * Access tokens whose issue number is below this are expired (the `expireTokens` fault). Issue
   * numbers, not clock time, so a token issued in the same millisecond as the switch is ordered.
   */
  private expiredBelow = 0;
  private issued = 0;
  private readonly seqOf = new Map<string, number>();
  /** How many refreshes happened: tests assert concurrent callers share one. */
  refreshCount = 0;

  constructor(
    private readonly faults: FaultController,
    private readonly prefix: string,
  ) {}

  /** Registers a token that never expires (private app token, API token). */
  addStatic(token: string, account: string): void {
    this.access.set(token, { token, issuedAt: Date.now(), account });
  }

  /** Registers a refresh token that a client was given out of band (the OAuth install). */
  addRefreshToken(refreshToken: string, account: string): void {
    this.refresh.set(refreshToken, account);
  }

  issue(account: string, lifetimeSeconds: number | undefined): AccessToken {
    const token = `${this.prefix}${randomBytes(18).toString('base64url')}`;
    const issuedAt = Date.now();
    const t: AccessToken = {
      token,
      issuedAt,
      account,
      ...(lifetimeSeconds !== undefined ? { expiresAt: issuedAt + lifetimeSeconds * 1000 } : {}),
    };
    this.access.set(token, t);
    this.seqOf.set(token, ++this.issued);
    return t;
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: 'invalid' };
    if (this.faults.config.revoked) return { ok: false, reason: 'revoked' };
    const t = this.access.get(token);
    if (!t) return { ok: false, reason: 'invalid' };
    if (this.faults.config.expireTokens && t.expiresAt !== undefined && (this.seqOf.get(token) ?? 0) < this.expiredBelow) {
      return { ok: false, reason: 'expired' };
    }
    if (t.expiresAt !== undefined && Date.now() >= t.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, token: t };
  }

  /** Called when the `expireTokens` fault is switched on: every token issued until now expires. */
  expireAllNow(): void {
    this.expiredBelow = this.issued + 1;
  }

  /**
   * Exchanges a refresh token. With `rotate`, the old refresh token stops working and a new one
   * is returned (Salesforce and HubSpot may rotate; Pipedrive returns the same one).
   */
  refreshWith(
    refreshToken: string,
    lifetimeSeconds: number | undefined,
    rotate: boolean,
  ): RefreshResult | { error: 'invalid_grant' } {
    if (this.faults.config.revoked) return { error: 'invalid_grant' };
    const account = this.refresh.get(refreshToken);
    if (!account) return { error: 'invalid_grant' };
    this.refreshCount += 1;
    let next = refreshToken;
    if (rotate) {
      this.refresh.delete(refreshToken);
      next = `${this.prefix}r-${randomBytes(18).toString('base64url')}`;
      this.refresh.set(next, account);
    }
    // A fresh token is valid even while `expireTokens` is on: only earlier ones are expired.
    return { access: this.issue(account, lifetimeSeconds), refreshToken: next };
  }
}

/** Extracts a bearer token from an Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? (m[1] as string).trim() : undefined;
}
