/**
 * Memory that records are encoded into before their group commit writes them.
 *
 * Allocating a Buffer per record is costly once a record passes Node's 4 KiB pool limit
 * (~3 µs for a 4 KiB entry, more than encoding it with its CRC): with 64 such saves per
 * group commit that time sat between two disk writes. Records are instead carved out of two
 * large buffers used in turn: one fills with the records of the next write while the other
 * is being written, and becomes free again once that write has returned.
 *
 * Only correct with at most one write in flight, which is how FileStorage's queue works.
 */
export class StagingBuffers {
  private filling: Buffer | null = null;
  private used = 0;
  private writing: Buffer | null = null;

  /** @param size bytes of each buffer; larger requests get their own allocation. */
  constructor(private readonly size: number) {}

  /**
   * A `bytes`-long region for records of the next write. It stays untouched until that write
   * has returned; its contents are whatever the caller puts there.
   */
  take(bytes: number): Buffer {
    if (bytes > this.size) return Buffer.allocUnsafe(bytes);
    if (this.filling === null || this.used + bytes > this.filling.length) {
      // The full buffer is left to the writes that reference it (and then to the GC).
      this.filling = Buffer.allocUnsafeSlow(this.size);
      this.used = 0;
    }
    const region = this.filling.subarray(this.used, this.used + bytes);
    this.used += bytes;
    return region;
  }

  /**
   * Called when a write takes every region handed out so far, after the previous write has
   * returned: the previous write's buffer is reused for the records that come next.
   */
  startWrite(): void {
    const free = this.writing;
    this.writing = this.filling;
    this.filling = free;
    this.used = 0;
  }
}
