export * from './errors';
export * from './fs-seam';
export * from './log-replay';
export * from './records';
export * from './segment-scanner';
export * from './snapshot-file';
export * from './file-storage';
export { SNAPSHOT_SYNC_BYTES, SNAPSHOT_WRITE_BYTES_PER_SECOND, type SnapshotWritePolicy } from './snapshot-store';
