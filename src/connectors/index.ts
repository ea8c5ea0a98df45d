/** The generic HTTP connector: what the engine imports. */
export { createConnectorClient, type ConnectorClient, type ConnectorClientOptions } from './client.js';
export { ConnectorError, isConnectorError, type ConnectorErrorInit, type ErrorClass } from './errors.js';
export type { CallOptions, ConnectionRef, GetOptions, ListOptions, NormalisedRecord, SearchOptions, WriteInput, WriteResult } from './types.js';
export { MemoryCredentialStore, type CredentialStore, type StoredCredentials } from './auth/index.js';
export type { BucketCorrection, BucketPolicy, BudgetBackend, Grant, PacedPolicy, QuotaPolicy } from './budget/backend.js';
export { MemoryBudgetBackend } from './budget/memoryBackend.js';
export { RateBudget, type BudgetKind, type RateBudgetOptions } from './rateBudget.js';
export type { ConnectorMetrics } from './metrics.js';
export { backoffDelay, retryPolicy, withRetry, type RetryPolicy } from './retry.js';
export { classifyResponse, compileErrorRules, defaultClass, type ErrorRule } from './classify.js';
export { parseRetryAfter } from './retryAfter.js';
export type { ToolMetadata } from './composio/toolCatalog.js';
