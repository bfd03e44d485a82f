import { BaseRpcContext } from '@nestjs/microservices';

/** Arguments carried by {@link RaftTransportContext}: the sending node and the pattern. */
export type RaftTransportContextArgs = [peerId: string, pattern: string];

/**
 * Nest execution context of the Raft transport, available to handlers through `@Ctx()`.
 * The peer id is the one its handshake announced.
 */
export class RaftTransportContext extends BaseRpcContext<RaftTransportContextArgs> {
  /** Node id of the peer that sent the batch, request or event. */
  getPeerId(): string {
    return this.args[0];
  }

  /** The pattern the frame was dispatched to. */
  getPattern(): string {
    return this.args[1];
  }
}
