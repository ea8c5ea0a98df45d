export { createLogger, type Logger, type LoggerOptions, type LogLevel } from './logger.js';
export { SecretRegistry, processSecrets, registerSecret, redactSecrets, REDACTED } from './secrets.js';
export { redactValue, isSensitiveKey, type RedactOptions } from './redact.js';
export { createMetrics, renderMetrics, labelValue, type SyncdMetrics, type MetricsOptions, type OutboxSnapshot, type OutboxProvider } from './metrics.js';
export * from './events.js';
