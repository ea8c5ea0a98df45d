/** Everything the Composio routes share; one instance per running simulator. */
import type { SimulatorKit } from '../kit/server.js';
import type { AccountStore } from './accounts.js';
import type { ToolCatalog } from './catalog/catalog.js';
import type { ResolvedComposioConfig } from './config.js';
import type { ExecutionLog } from './executions.js';
import type { ComposioLimiter } from './limits.js';

export interface ComposioContext {
  readonly config: ResolvedComposioConfig;
  readonly kit: SimulatorKit;
  readonly catalog: ToolCatalog;
  readonly accounts: AccountStore;
  readonly limiter: ComposioLimiter;
  readonly executions: ExecutionLog;
}
