import type { LoggerService } from '@nestjs/common';
import type { RaftStorage } from '@raft/raft-core';
import { FileStorage } from '@raft/raft-storage';

/** Opens this node's durable storage (WAL + snapshots) under `dir`. */
export async function openNodeStorage(dir: string, logger: LoggerService): Promise<RaftStorage> {
  return FileStorage.open(dir, { logger: { warn: (m) => logger.warn(m, 'storage'), info: (m) => logger.log(m, 'storage') } });
}
