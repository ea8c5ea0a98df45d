/**
 * A wire-faithful Composio v3 simulator: tool metadata and listing, tool execution that performs
 * the real operation on a provider simulator (HubSpot, Pipedrive, Salesforce) with the connected
 * account's credentials, connected accounts and their lifecycle, the organization's fixed-window
 * rate limit, and Composio's error bodies. Built on the shared simulator kit.
 *
 * ```ts
 * const hubspot = await startHubspotSimulator();
 * const composio = await startComposioSimulator({ providers: { hubspot: { baseUrl: hubspot.url } } });
 * const client = new Composio({ apiKey: composio.apiKey, baseURL: composio.url, allowTracking: false, disableVersionCheck: true });
 * ```
 *
 * Admin routes are listed in `admin.ts`; every tool execution is logged with its
 * `x-correlation-id` under `GET /__admin/executions`.
 */
import { AccountStore, accountView } from './accounts.js';
import { registerAdminRoutes } from './admin.js';
import { ToolCatalog } from './catalog/catalog.js';
import { resolveConfig, type ComposioSimConfig, type ConnectedAccountConfig, type ConnectedAccountStatus, type ResolvedComposioConfig } from './config.js';
import type { ComposioContext } from './context.js';
import { composioFaultResponder, connectedAccountNotFound } from './errors.js';
import { ExecutionLog, type ExecutionRecord } from './executions.js';
import { apiGuard, installHttpBehaviour } from './http.js';
import { ComposioLimiter } from './limits.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerExecuteRoute } from './routes/execute.js';
import { registerToolRoutes } from './routes/tools.js';
import { startSimulator, type RunningSimulator, type SimulatorKit, type SimulatorOptions, type VendorDefinition } from '../kit/server.js';

export {
  COMPOSIO_SIM_ACCOUNTS,
  COMPOSIO_SIM_API_KEY,
  CONNECTED_ACCOUNT_STATUSES,
  DEFAULT_USER_ID,
  defaultConnectedAccounts,
  type AuthScheme,
  type ComposioRateLimitConfig,
  type ComposioSimConfig,
  type ConnectedAccountConfig,
  type ConnectedAccountStatus,
  type ProviderConfig,
  type ProviderCredentials,
  type ResolvedComposioConfig,
} from './config.js';
export { BASE_VERSION } from './catalog/catalog.js';
export { restTool, type RestToolSpec } from './catalog/restTool.js';
export type { JsonSchema, ToolAccount, ToolDefinition, ToolkitDefinition } from './catalog/types.js';
export type { ExecutionOutcome, ExecutionRecord } from './executions.js';
export { ProviderError, ProviderHttp, ProviderUnreachableError, pathSegment, type ProviderCall, type ProviderRequest, type ProviderResponse } from './provider.js';
export { DEFAULT_TOOLKITS, HUBSPOT_TOOLKIT, PIPEDRIVE_TOOLKIT, SALESFORCE_TOOLKIT } from './tools/index.js';

/** The running simulator's state, for tests that prefer calls to admin HTTP routes. */
export interface ComposioSimulatorHandle {
  readonly config: ResolvedComposioConfig;
  /** Adds a connected account; returns its API view (with the generated id). */
  addAccount(account: ConnectedAccountConfig): Record<string, unknown>;
  /** Sets an account's status (e.g. `EXPIRED`), as the provider revoking consent would. */
  setAccountStatus(id: string, status: ConnectedAccountStatus, reason?: string): void;
  /** The execution log, oldest first. */
  executions(): ExecutionRecord[];
}

export interface ComposioVendor extends VendorDefinition {
  readonly handle: ComposioSimulatorHandle;
}

/**
 * The API is served under both prefixes: the published OpenAPI document describes `/api/v3`,
 * while the official client (@composio/core 0.17, @composio/client 0.1.0-alpha.76) calls
 * `/api/v3.1`. That v3.1 answers in the v3 shapes is UNCONFIRMED; the client accepts them.
 */
export const API_PREFIXES = ['/api/v3', '/api/v3.1'] as const;

export function composioSimulator(config: ComposioSimConfig = {}): ComposioVendor {
  const cfg = resolveConfig(config);
  const catalog = new ToolCatalog(cfg.toolkits);
  let ctx: ComposioContext | undefined;
  const live = (): ComposioContext => {
    if (!ctx) throw new Error('the Composio simulator is not started');
    return ctx;
  };

  return {
    name: 'composio',
    tokenPrefix: 'composio-sim-',
    errors: composioFaultResponder(cfg.rateLimit),

    register(app, kit: SimulatorKit) {
      const c: ComposioContext = {
        config: cfg,
        kit,
        catalog,
        accounts: new AccountStore(kit, catalog),
        limiter: new ComposioLimiter(cfg.rateLimit.limit, cfg.rateLimit.windowMs),
        executions: new ExecutionLog(),
      };
      ctx = c;
      installHttpBehaviour(app);
      registerAdminRoutes(app, c);
      for (const prefix of API_PREFIXES) {
        app.register(
          async (api) => {
            api.addHook('onRequest', apiGuard(c));
            registerToolRoutes(api, c);
            registerExecuteRoute(api, c);
            registerAccountRoutes(api, c);
          },
          { prefix },
        );
      }
    },

    reset() {
      if (!ctx) return;
      ctx.accounts.clear();
      for (const a of cfg.connectedAccounts) ctx.accounts.add(a);
      ctx.executions.clear();
      ctx.limiter.reset();
    },

    handle: {
      config: cfg,
      addAccount: (account) => accountView(live().accounts.add(account)),
      setAccountStatus: (id, status, reason) => {
        const c = live();
        const a = c.accounts.get(id);
        if (!a) throw connectedAccountNotFound(id);
        c.accounts.setStatus(a, status, reason ?? null);
      },
      executions: () => [...live().executions.records],
    },
  };
}

export interface StartComposioOptions extends SimulatorOptions, ComposioSimConfig {}

export interface RunningComposioSimulator extends RunningSimulator, ComposioSimulatorHandle {
  /** The first accepted project API key, for `x-api-key`. */
  readonly apiKey: string;
}

/** Starts the simulator on 127.0.0.1 (port 0 unless given). */
export async function startComposioSimulator(options: StartComposioOptions = {}): Promise<RunningComposioSimulator> {
  const vendor = composioSimulator(options);
  const running = await startSimulator(vendor, options);
  return Object.assign(running, vendor.handle, { apiKey: vendor.handle.config.apiKeys[0] ?? '' });
}
