/** The part of a writable stream (a net.Socket) that batches writes. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Coalesces the writes made to a socket within one tick into one syscall: the first write
 * corks the stream, and all streams corked this tick are uncorked together on the next
 * tick (Node's documented `cork()` + `process.nextTick(uncork)` pattern, with one callback
 * for all sockets instead of one per socket). When several pushes arrive together — one
 * Redis read carrying many bus events, a sync page followed by `ready` — each socket gets
 * one write instead of one per frame. Nothing waits on a timer: bytes leave this tick.
 */
export class WriteBatch {
  private corked: Corkable[] = [];
  private readonly marked = new WeakSet<Corkable>();

  constructor(private readonly defer: (flush: () => void) => void = (f) => process.nextTick(f)) {}

  /** Call before writing to `stream`: it stays corked until the end of this tick. */
  hold(stream: Corkable): void {
    if (this.marked.has(stream)) return;
    this.marked.add(stream);
    stream.cork();
    if (this.corked.push(stream) === 1) this.defer(() => this.flush());
  }

  /** Uncorks every stream held since the last flush (writes them out). */
  flush(): void {
    const streams = this.corked;
    this.corked = [];
    for (const s of streams) {
      this.marked.delete(s);
      s.uncork();
    }
  }
}
