import { pino, type Logger } from 'pino';

export type { Logger };

/** One structured logger per process; layers take a child with their own bindings ({pod, container, ...}). */
export function createLogger(options: { level?: string; destination?: number | string } = {}): Logger {
  return pino(
    { level: options.level ?? process.env.PODLET_LOG_LEVEL ?? 'info', base: null },
    pino.destination({ dest: options.destination ?? 2, sync: true }),
  );
}

/** A logger that discards everything, for unit tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
