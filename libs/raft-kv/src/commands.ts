import { BINARY_COMMAND_TAG, decodeBinaryCommand, encodeBinaryCommand } from './command-codec';
import { decodeMsgpackCommand } from './msgpack-command';

export { MalformedCommandError } from './command-codec';

/** Identifies a client request for exactly-once execution. */
export interface RequestIds {
  readonly clientId: string;
  readonly requestId: string;
  /**
   * The ids were made up by the server for one attempt that no client can ever repeat (the
   * request carried no ids): the command runs without a client session. Remembering its
   * result would only fill the session table (and every snapshot) with entries nobody asks for.
   */
  readonly untracked?: true;
}

/** Leader-assigned wall-clock milliseconds stamped into a command (session expiry only). */
interface Stamped {
  readonly ts: number;
}

export type KvCommand =
  | ({ readonly op: 'put'; readonly key: string; readonly value: string } & RequestIds & Stamped)
  | ({ readonly op: 'del'; readonly key: string } & RequestIds & Stamped)
  | ({ readonly op: 'cas'; readonly key: string; readonly expect: string | null; readonly value: string } & RequestIds & Stamped)
  | ({ readonly op: 'incr'; readonly key: string; readonly delta: number } & RequestIds & Stamped)
  /**
   * Appends a message to an ordered stream (a chat conversation): assigns the stream's next
   * sequence number atomically; a repeat of (sender, clientMsgId) returns the first result.
   * `key` is the stream id; `msgId` is a unique id chosen by the proposer (e.g. a Snowflake).
   */
  | ({
      readonly op: 'append';
      readonly key: string;
      readonly sender: string;
      readonly clientMsgId: string;
      readonly msgId: string;
      readonly body: string;
    } & RequestIds &
      Stamped);

export type KvOp = KvCommand['op'];

export interface PutResult {
  readonly op: 'put';
  readonly revision: number;
  readonly prev?: string;
}
export interface DeleteResult {
  readonly op: 'del';
  readonly revision: number;
  readonly deleted: boolean;
}
export interface CasResult {
  readonly op: 'cas';
  readonly succeeded: boolean;
  readonly revision: number;
  readonly current?: string;
}
export interface IncrResult {
  readonly op: 'incr';
  readonly value: number;
  readonly revision: number;
}
export interface AppendResult {
  readonly op: 'append';
  readonly stream: string;
  readonly seq: number;
  readonly msgId: string;
  readonly revision: number;
  /** Leader-assigned time the message was first appended. */
  readonly ts: number;
  /** True when this (sender, clientMsgId) was appended before: the original is returned. */
  readonly duplicate: boolean;
}
/** A command that was applied but refused by the state machine (e.g. incr of a non-integer). */
export interface RejectedResult {
  readonly op: 'rejected';
  readonly error: string;
  readonly revision: number;
}
/** The client's session expired and the request is older than what is remembered. */
export interface ExpiredResult {
  readonly op: 'expired';
  readonly revision: number;
}

export type KvResult = PutResult | DeleteResult | CasResult | IncrResult | AppendResult | RejectedResult | ExpiredResult;

/**
 * Binary encoding of a command for the Raft log (layout in this library's README). The
 * bytes are never overwritten, but they may share their ArrayBuffer with other commands:
 * read them through the view (offset and length), never through `.buffer` alone.
 */
export function encodeCommand(cmd: KvCommand): Uint8Array {
  return encodeBinaryCommand(cmd);
}

/**
 * Decodes and validates a command from a log entry: the binary layout, or a msgpack map as
 * versions before it wrote (logs and snapshots outlive upgrades).
 */
export function decodeCommand(data: Uint8Array): KvCommand {
  return data[0] === BINARY_COMMAND_TAG ? decodeBinaryCommand(data) : decodeMsgpackCommand(data);
}

/** The key a proposer waits on: unique per (client, request). */
export function requestKey(ids: RequestIds): string {
  return `${ids.clientId}\u0000${ids.requestId}`;
}
