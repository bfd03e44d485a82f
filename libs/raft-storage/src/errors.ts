/** Base of every storage error; `code` is stable and machine-readable. */
export abstract class StorageError extends Error {
  abstract readonly code: string;
}

/**
 * The log on disk is damaged in a way that may have lost acknowledged data (a CRC failure
 * before the tail, a missing segment, a gap in indexes). The storage refuses to open.
 */
export class WalCorruptionError extends StorageError {
  readonly code = 'WAL_CORRUPTION';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`WAL corruption in ${file} at byte ${offset}: ${reason}`);
  }
}

/**
 * A filesystem operation failed (ENOSPC, EIO, …). After one, the storage is failed: the
 * batch in flight and every later write are rejected, so nothing more is acknowledged.
 */
export class StorageIOError extends StorageError {
  readonly code = 'STORAGE_IO';
  constructor(
    readonly operation: string,
    readonly errno: string,
    override readonly cause: unknown,
  ) {
    super(`storage ${operation} failed (${errno}); the node stops acknowledging writes`);
  }
}

/** The storage was used against its contract (a bug in the caller). */
export class StorageUsageError extends StorageError {
  readonly code = 'STORAGE_USAGE';
}

/** Wraps any filesystem failure into a {@link StorageIOError}. */
export function ioError(operation: string, e: unknown): StorageIOError {
  if (e instanceof StorageIOError) return e;
  const errno = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'EUNKNOWN';
  return new StorageIOError(operation, errno, e);
}
