import { createLogger, type Logger, type LoggerOptions } from '../../src/telemetry/logger.js';

/** A logger writing into memory, for asserting on the exact lines produced. */
export function capturingLogger(options: Omit<LoggerOptions, 'destination'> = {}): { logger: Logger; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
