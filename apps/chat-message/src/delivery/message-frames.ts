import type { ChatMessage } from '../common/types';
import { OutboundFrame } from './outbound-frame';

/**
 * The `message` frames of one pushed message, shared by every session it reaches on this
 * instance. A frame differs between sessions only by the reader's `pts` (write fan-out) and
 * the cursor it moves them to, and the new cursor is a function of the old one and that
 * step. So sessions are keyed by (encoded cursor before, step): everyone in the same
 * position gets the same frame object — encoded once, same bytes — and the message itself
 * is serialised once per event however many distinct frames there are.
 */
export class MessageFrames {
  private readonly frames = new Map<string, OutboundFrame>();
  private head: string | undefined;

  constructor(readonly message: Omit<ChatMessage, 'pts'>) {}

  /**
   * The frame for a session whose cursor was `from` and, after this message, is what
   * `nextCursor()` returns (called only when no session in that position asked before).
   * `pts` is the reader's inbox position for write fan-out, absent for read fan-out.
   */
  frameFor(from: string, pts: number | undefined, nextCursor: () => string): OutboundFrame {
    const key = pts === undefined ? from : `${from} ${pts}`;
    let frame = this.frames.get(key);
    if (!frame) {
      frame = this.build(pts, nextCursor());
      this.frames.set(key, frame);
    }
    return frame;
  }

  /** How many distinct frames were built (for tests). */
  get size(): number {
    return this.frames.size;
  }

  private build(pts: number | undefined, cursor: string): OutboundFrame {
    const m = this.message;
    // `{...m, pts, cursor}` as JSON without re-serialising the body: the message's JSON minus
    // its closing brace, then the per-reader members (same key order as the object below).
    this.head ??= JSON.stringify(m).slice(0, -1);
    const tail = `${pts === undefined ? '' : `,"pts":${pts}`},"cursor":${JSON.stringify(cursor)}}`;
    // Object.assign, not a spread: adding properties after a spread costs ~1 µs each in
    // Node 20's V8, and this runs per delivered frame.
    const data = pts === undefined ? Object.assign({}, m, { cursor }) : Object.assign({}, m, { pts, cursor });
    return new OutboundFrame({ event: 'message', data }, this.head + tail);
  }
}
