import { nodeFileSystem, type FileSystem } from '@raft/raft-storage';

/** node:fs behind the storage's seam, counting syncs (fdatasyncs and durable writes) and bytes written. */
export class CountingFs implements FileSystem {
  syncs = 0;
  bytes = 0;
  /** Zeros written ahead of the records (segment preallocation), not counted as syncs. */
  zeroBytes = 0;
  private readonly base = nodeFileSystem;
  mkdir = (p: string) => this.base.mkdir(p);
  readdir = (p: string) => this.base.readdir(p);
  readFile = (p: string) => this.base.readFile(p);
  openAppend = (p: string) => this.base.openAppend(p);
  openDurable = (p: string) => this.base.openDurable(p);
  openRead = (p: string) => this.base.openRead(p);
  write = (fd: number, data: Buffer) => {
    this.bytes += data.length;
    return this.base.write(fd, data);
  };
  /** A durable (O_DSYNC) write of records is one write and one sync. */
  writeDurable = (fd: number, chunks: readonly Buffer[], position: number) => {
    for (const c of chunks) this.bytes += c.length;
    this.syncs++;
    return this.base.writeDurable(fd, chunks, position);
  };
  zeroFill = (fd: number, position: number, length: number) => {
    this.zeroBytes += length;
    return this.base.zeroFill(fd, position, length);
  };
  fdatasync = (fd: number) => {
    this.syncs++;
    return this.base.fdatasync(fd);
  };
  fsync = (fd: number) => this.base.fsync(fd);
  close = (fd: number) => this.base.close(fd);
  truncate = (p: string, n: number) => this.base.truncate(p, n);
  rename = (a: string, b: string) => this.base.rename(a, b);
  unlink = (p: string) => this.base.unlink(p);
  syncDir = (p: string) => this.base.syncDir(p);
  size = (p: string) => this.base.size(p);
  openReadSync = (p: string) => this.base.openReadSync(p);
  readSync = (fd: number, b: Buffer, pos: number) => this.base.readSync(fd, b, pos);
}
