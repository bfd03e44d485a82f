/**
 * Turns a handler's error into something msgpack carries faithfully. `Error` instances have
 * no enumerable fields and would arrive as `{}`; plain values (Nest's `RpcException` payloads,
 * strings) pass through.
 */
export function serializeError(error: unknown): unknown {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return error ?? 'unknown error';
}
