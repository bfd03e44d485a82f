import type { LoggerService } from '@nestjs/common';
import type { RaftStorage } from '@raft/raft-core';
import { FileStorage } from '@raft/raft-storage';

/**
 * Opens this node's durable storage (WAL + snapshots) under `dir`; snapshots written at up to
 * `snapshotMBps` MiB/s (0 = no limit); up to `recycleSegments` compacted WAL segments kept
 * for reuse.
 */
export async function openNodeStorage(dir: string, snapshotMBps: number, recycleSegments: number, logger: LoggerService): Promise<RaftStorage> {
  return FileStorage.open(dir, {
    snapshotWriteBytesPerSecond: Math.round(snapshotMBps * 1024 * 1024),
    recycleSegments,
    logger: { warn: (m) => logger.warn(m, 'storage'), info: (m) => logger.log(m, 'storage') },
  });
}
