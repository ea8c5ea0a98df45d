/**
 * The daemon's structured JSON logger: pino with two layers of redaction.
 * - Key-based, at any depth: the `log` and `bindings` formatters copy every logged object through
 *   `redactValue`, which also turns errors into plain objects so their properties are redacted.
 * - Value-based: the `streamWrite` hook scrubs every registered secret value from the finished line,
 *   which also covers the message string. With no secret registered it returns the line untouched.
 */
import { pino, type DestinationStream, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import { redactValue } from './redact.js';
import { processSecrets, type SecretRegistry } from './secrets.js';

export { redactSecrets, registerSecret, processSecrets, SecretRegistry, REDACTED } from './secrets.js';
export { redactValue, isSensitiveKey } from './redact.js';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  /** Lowest level written. @defaultValue `'info'` */
  level?: LogLevel;
  /** Where lines go. @defaultValue standard output */
  destination?: DestinationStream;
  /** Fields bound to every line (after redaction). @defaultValue `{}` */
  base?: Record<string, unknown>;
  /** Secret values to scrub. @defaultValue the process-wide registry */
  secrets?: SecretRegistry;
  /** Nesting depth kept in logged objects. @defaultValue 10 */
  maxDepth?: number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? processSecrets;
  const maxDepth = options.maxDepth ?? 10;
  const clean = (obj: Record<string, unknown>): Record<string, unknown> =>
    redactValue(obj, { secrets, maxDepth }) as Record<string, unknown>;
  const root = pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: clean,
        log: clean,
      },
      // Errors are already plain, redacted objects; pino's serializer would mislabel their type.
      serializers: { err: (value: unknown) => value },
      hooks: {
        streamWrite: (line) => secrets.redact(line),
      },
    },
    // Synchronous by default: the lines written just before a crash are the ones most needed.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  // pino skips the bindings formatter for children; redact their bindings on the way in instead.
  // Children inherit this method through their prototype, so grandchildren are covered too.
  const child = root.child;
  const setBindings = root.setBindings;
  root.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, clean(bindings), childOptions);
  } as typeof root.child;
  root.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, clean(bindings));
  };
  return root;
}
