import type { FanoutMode } from '../database/entities';

/** A message as clients see it (sync pages, pushes, history). */
export interface ChatMessage {
  readonly conversationId: string;
  readonly seq: number;
  readonly msgId: string;
  readonly sender: string;
  readonly clientMsgId: string;
  readonly body: string;
  /** Commit time, ms since the epoch (stamped by the raft leader). */
  readonly ts: number;
  /** The raft revision that committed it. */
  readonly revision: number;
  /** How it reached the reader: through the inbox (write fan-out) or merged at read time. */
  readonly mode: FanoutMode;
  /** The reader's inbox position of this message (write fan-out only). */
  readonly pts?: number;
}

/** What instances tell each other through Redis pub/sub. */
export type BusEvent =
  | {
      readonly t: 'm';
      readonly m: Omit<ChatMessage, 'pts'>;
      readonly switchSeq: number;
      /** Write fan-out: recipient → the pts of this message in their inbox. */
      readonly pts?: Record<string, number>;
    }
  | { readonly t: 'mem'; readonly conversationId: string; readonly userId: string; readonly action: 'join' | 'leave' }
  | { readonly t: 'r'; readonly conversationId: string; readonly userId: string; readonly seq: number }
  | { readonly t: 'p'; readonly revision: number };
