/**
 * Connected accounts: who they belong to, which toolkit, their lifecycle status and the provider
 * credentials they hold. The API shows an account in the OpenAPI shape (FACTS §4.3) with its
 * secrets masked; the credentials themselves only ever go to the provider.
 */
import type { SimulatorKit } from '../kit/server.js';
import type { ToolCatalog } from './catalog/catalog.js';
import type { AuthScheme } from './catalog/types.js';
import { CONNECTED_ACCOUNT_STATUSES, type ConnectedAccountConfig, type ConnectedAccountStatus, type ProviderCredentials } from './config.js';
import { badRequest } from './errors.js';

export interface StoredAccount {
  id: string;
  userId: string;
  toolkit: string;
  status: ConnectedAccountStatus;
  statusReason: string | null;
  authConfigId: string;
  authScheme: AuthScheme;
  credentials: ProviderCredentials;
  isDisabled: boolean;
  createdAt: string;
  updatedAt: string;
  /** When the account expired (shown in the EXPIRED state). */
  expiredAt?: string;
  /** Where the user goes to re-authorize after a refresh (shown in the INITIATED state). */
  redirectUrl?: string;
  /** Soft-deleted: invisible to the API, kept for the admin log. */
  deleted: boolean;
}

export interface AccountFilter {
  toolkitSlugs?: string[];
  statuses?: string[];
  userIds?: string[];
  authConfigIds?: string[];
  ids?: string[];
  orderBy?: 'created_at' | 'updated_at';
  orderDirection?: 'asc' | 'desc';
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function isStatus(s: unknown): s is ConnectedAccountStatus {
  return typeof s === 'string' && (CONNECTED_ACCOUNT_STATUSES as readonly string[]).includes(s);
}

export class AccountStore {
  private readonly accounts = new Map<string, StoredAccount>();

  constructor(
    private readonly kit: SimulatorKit,
    private readonly catalog: ToolCatalog,
  ) {}

  clear(): void {
    this.accounts.clear();
  }

  private newId(): string {
    let id = 'ca_';
    for (let i = 0; i < 12; i++) id += ID_ALPHABET[Math.floor(this.kit.rand() * ID_ALPHABET.length)];
    return id;
  }

  private now(): string {
    return this.kit.clock.tick().toISOString();
  }

  add(c: ConnectedAccountConfig): StoredAccount {
    const toolkit = this.catalog.toolkit(c.toolkit ?? '');
    if (!toolkit) throw badRequest(`Unknown toolkit ${String(c.toolkit)}`);
    if (typeof c.userId !== 'string' || c.userId === '') throw badRequest('userId is required');
    if (c.id !== undefined && !/^ca_[A-Za-z0-9_-]+$/.test(c.id)) throw badRequest(`Connected account ids look like ca_…, got ${c.id}`);
    if (c.id !== undefined && this.accounts.has(c.id)) throw badRequest(`Connected account ${c.id} already exists`);
    const status = c.status ?? 'ACTIVE';
    if (!isStatus(status)) throw badRequest(`Unknown status ${String(status)}`);
    const at = this.now();
    const account: StoredAccount = {
      id: c.id ?? this.newId(),
      userId: c.userId,
      toolkit: toolkit.slug,
      status,
      statusReason: c.statusReason ?? null,
      authConfigId: c.authConfigId ?? `ac_${toolkit.slug}`,
      authScheme: c.authScheme ?? toolkit.authScheme,
      credentials: { ...c.credentials },
      isDisabled: status === 'INACTIVE',
      createdAt: at,
      updatedAt: at,
      ...(status === 'EXPIRED' ? { expiredAt: at } : {}),
      deleted: false,
    };
    this.accounts.set(account.id, account);
    return account;
  }

  /** A live (not deleted) account. */
  get(id: string): StoredAccount | undefined {
    const a = this.accounts.get(id);
    return a && !a.deleted ? a : undefined;
  }

  /** Any account, deleted ones included (admin). */
  raw(id: string): StoredAccount | undefined {
    return this.accounts.get(id);
  }

  all(): StoredAccount[] {
    return [...this.accounts.values()];
  }

  setStatus(a: StoredAccount, status: ConnectedAccountStatus, reason: string | null = null): void {
    a.status = status;
    a.statusReason = reason;
    a.isDisabled = status === 'INACTIVE';
    a.updatedAt = this.now();
    if (status === 'EXPIRED') a.expiredAt = a.updatedAt;
    if (status !== 'INITIATED') delete a.redirectUrl;
  }

  touch(a: StoredAccount): void {
    a.updatedAt = this.now();
  }

  list(f: AccountFilter): StoredAccount[] {
    const out = this.all().filter(
      (a) =>
        !a.deleted &&
        (!f.toolkitSlugs || f.toolkitSlugs.includes(a.toolkit)) &&
        (!f.statuses || f.statuses.includes(a.status)) &&
        (!f.userIds || f.userIds.includes(a.userId)) &&
        (!f.authConfigIds || f.authConfigIds.includes(a.authConfigId)) &&
        (!f.ids || f.ids.includes(a.id)),
    );
    const key = f.orderBy === 'updated_at' ? 'updatedAt' : 'createdAt';
    const dir = f.orderDirection === 'asc' ? 1 : -1;
    // Ties (same instant) fall back to the id so pages never shuffle between requests.
    return out.sort((x, y) => (x[key] < y[key] ? -dir : x[key] > y[key] ? dir : x.id < y.id ? -dir : dir));
  }
}

/** Shows the first characters of a secret only (UNCONFIRMED: how Composio masks secrets). */
function mask(secret: string): string {
  return secret.length <= 8 ? '****' : `${secret.slice(0, 4)}...${secret.slice(-4)}`;
}

/** `state.val` for the account's scheme and status, as the spec's per-status variants require. */
function stateValue(a: StoredAccount): Record<string, unknown> {
  const c = a.credentials;
  const val: Record<string, unknown> = { status: a.status };
  if (c.base_url) val.base_url = c.base_url;
  switch (a.status) {
    case 'ACTIVE':
    case 'INACTIVE':
      if (a.authScheme === 'OAUTH2') {
        val.access_token = c.access_token ? mask(c.access_token) : '';
        val.token_type = 'Bearer';
        if (c.refresh_token) val.refresh_token = mask(c.refresh_token);
      } else if (a.authScheme === 'BEARER_TOKEN') {
        val.token = c.access_token ? mask(c.access_token) : '';
      } else if (c.api_key) {
        val.generic_api_key = mask(c.api_key);
      }
      break;
    case 'EXPIRED':
      if (a.expiredAt) val.expired_at = a.expiredAt;
      break;
    case 'FAILED':
      if (a.statusReason) val.error_description = a.statusReason;
      break;
    case 'INITIATED':
      val.redirectUrl = a.redirectUrl ?? '';
      break;
    case 'INITIALIZING':
      break;
  }
  return val;
}

/** An account as the API shows it (`GET /api/v3/connected_accounts/{id}` and list items). */
export function accountView(a: StoredAccount): Record<string, unknown> {
  const val = stateValue(a);
  return {
    id: a.id,
    toolkit: { slug: a.toolkit },
    auth_config: { id: a.authConfigId, auth_scheme: a.authScheme, is_composio_managed: true, is_disabled: false },
    user_id: a.userId,
    status: a.status,
    status_reason: a.statusReason,
    is_disabled: a.isDisabled,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    state: { authScheme: a.authScheme, val },
    data: val,
    params: {},
  };
}
