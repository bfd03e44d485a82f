import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from '../errors';
import { FRAME_HEADER_BYTES, LENGTH_PREFIX_BYTES } from './frame-kind';

/** One complete frame cut out of the byte stream, not yet decoded. */
export interface RawFrame {
  /** The kind byte (not yet checked against the known kinds). */
  readonly kind: number;
  /** The msgpack body: valid only until the callback returns unless copied. */
  readonly body: Buffer;
}

/**
 * Cuts a TCP byte stream into frames. Chunks are kept in a list and joined once per frame,
 * so a large frame arriving in many small reads costs one copy, not one per read. The length
 * prefix is checked as soon as its 4 bytes arrive: an oversized frame is refused before any
 * of its body is buffered.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length-prefix value of the frame being assembled; -1 while waiting for a prefix. */
  private expected = -1;
  private halted = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received that do not form a complete frame yet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Appends `chunk` and calls `onFrame` for every frame it completes. Throws
   * {@link FrameTooLargeError} or {@link MalformedFrameError} on an impossible length prefix;
   * the stream is unusable afterwards. Stops early once {@link halt} is called.
   */
  push(chunk: Buffer, onFrame: (frame: RawFrame) => void): void {
    if (this.halted || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.halted) {
      if (this.expected < 0) {
        if (this.buffered < LENGTH_PREFIX_BYTES) return;
        this.expected = this.readLengthPrefix();
      }
      const total = LENGTH_PREFIX_BYTES + this.expected;
      if (this.buffered < total) return;
      const frame = this.take(total);
      this.expected = -1;
      onFrame({ kind: frame[LENGTH_PREFIX_BYTES], body: frame.subarray(FRAME_HEADER_BYTES) });
    }
  }

  /** Drops buffered bytes and ignores everything pushed later (the connection is closing). */
  halt(): void {
    this.halted = true;
    this.chunks = [];
    this.buffered = 0;
  }

  /** At end of stream: the error describing a partial frame, or null if the stream ended cleanly. */
  endOfStream(): TruncatedFrameError | null {
    if (this.halted || this.buffered === 0) return null;
    const expected = this.expected < 0 ? LENGTH_PREFIX_BYTES : LENGTH_PREFIX_BYTES + this.expected;
    return new TruncatedFrameError(this.buffered, expected);
  }

  private readLengthPrefix(): number {
    const first = this.chunks[0];
    const prefix = first.length >= LENGTH_PREFIX_BYTES ? first : Buffer.concat(this.chunks, LENGTH_PREFIX_BYTES);
    const length = prefix.readUInt32BE(0);
    if (length < 1) {
      throw new MalformedFrameError('frame length 0: a frame holds at least its kind byte');
    }
    if (length > this.maxFrameBytes) {
      throw new FrameTooLargeError(length, this.maxFrameBytes);
    }
    return length;
  }

  /** Removes and returns the first `count` buffered bytes. */
  private take(count: number): Buffer {
    this.buffered -= count;
    const first = this.chunks[0];
    if (first.length >= count) {
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0];
      const needed = count - filled;
      if (chunk.length <= needed) {
        chunk.copy(out, filled);
        filled += chunk.length;
        this.chunks.shift();
      } else {
        chunk.copy(out, filled, 0, needed);
        this.chunks[0] = chunk.subarray(needed);
        filled += needed;
      }
    }
    return out;
  }
}
