/**
 * Memory that entries are encoded into before their group commit writes them.
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
  /** The buffer of the last {@link reserve}d region. */
  region: Buffer = Buffer.alloc(0);

  /** @param size bytes of each buffer; larger requests get their own allocation. */
  constructor(private readonly size: number) {}

  /**
   * Reserves `bytes` for records of the next write and returns where they start in
   * {@link region}; they stay untouched until that write has returned. No Buffer view is
   * made per call: consecutive regions are contiguous, so a group commit can write a whole
   * run of them as one view (see FileStorage's batches).
   */
  reserve(bytes: number): number {
    if (bytes > this.size) {
      this.region = Buffer.allocUnsafe(bytes);
      return 0;
    }
    if (this.filling === null || this.used + bytes > this.filling.length) {
      // The full buffer is left to the writes that reference it (and then to the GC).
      this.filling = Buffer.allocUnsafeSlow(this.size);
      this.used = 0;
    }
    this.region = this.filling;
    const at = this.used;
    this.used += bytes;
    return at;
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
