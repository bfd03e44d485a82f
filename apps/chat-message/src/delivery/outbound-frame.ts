import type { ChatMessage } from '../common/types';

/** What the server pushes (WebSocket: JSON `{event, data}`; SSE: `event:`/`data:`, `id:` = cursor). */
export type Frame =
  | { readonly event: 'sync'; readonly data: { readonly messages: ChatMessage[]; readonly cursor: string; readonly hasMore: boolean } }
  | { readonly event: 'ready'; readonly data: { readonly cursor: string } }
  | { readonly event: 'message'; readonly data: ChatMessage & { readonly cursor: string } }
  | { readonly event: 'receipt'; readonly data: { readonly conversationId: string; readonly userId: string; readonly seq: number } }
  | { readonly event: 'membership'; readonly data: { readonly conversationId: string; readonly userId: string; readonly action: 'join' | 'leave' } };

/**
 * A frame with its wire encodings, each computed on first use and then reused: one frame
 * object handed to a thousand sockets is serialised once, and every socket gets the very
 * same bytes (no per-socket JSON.stringify or UTF-8 conversion).
 */
export class OutboundFrame {
  private dataText: string | undefined;
  private wsBytes: Buffer | undefined;
  private sseText: string | undefined;

  /** @param dataJson `JSON.stringify(frame.data)` when the caller already has it. */
  constructor(
    readonly frame: Frame,
    dataJson?: string,
  ) {
    this.dataText = dataJson;
  }

  get event(): Frame['event'] {
    return this.frame.event;
  }

  /** The cursor this frame moves the client to, if it carries one. */
  get cursor(): string | undefined {
    return 'cursor' in this.frame.data ? this.frame.data.cursor : undefined;
  }

  /** `frame.data` as JSON. */
  dataJson(): string {
    return (this.dataText ??= JSON.stringify(this.frame.data));
  }

  /** The WebSocket text payload `{"event":…,"data":…}` as UTF-8 bytes. */
  webSocket(): Buffer {
    return (this.wsBytes ??= Buffer.from(`{"event":"${this.frame.event}","data":${this.dataJson()}}`));
  }

  /** The SSE record; its `id` is the cursor, so EventSource resumes exactly (Last-Event-ID). */
  serverSentEvent(): string {
    if (this.sseText === undefined) {
      const cursor = this.cursor;
      this.sseText = `${cursor === undefined ? '' : `id: ${cursor}\n`}event: ${this.frame.event}\ndata: ${this.dataJson()}\n\n`;
    }
    return this.sseText;
  }
}
