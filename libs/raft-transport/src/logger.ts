/**
 * The logging surface the transport needs. A pino `Logger` satisfies it as is; so does a
 * thin adapter over Nest's `Logger`. The first argument is structured context (always
 * including `code` for closed connections), the second a human-readable message.
 */
export interface TransportLogger {
  info(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
  error(context: Record<string, unknown>, message: string): void;
}

/** Discards everything; the default, so that a library never prints unasked. */
export const noopLogger: TransportLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
