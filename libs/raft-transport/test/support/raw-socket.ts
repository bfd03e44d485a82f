import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameKind, PROTOCOL_VERSION } from '../../src';

/**
 * Opens a plain TCP socket (no transport logic) to `port` on loopback. Whatever the server
 * sends is read and discarded, so that the server closing the connection is observed.
 */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
    socket.on('error', () => undefined);
    socket.resume();
  });
}

/** Resolves when the socket has closed (by either side). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Builds a frame by hand: u32 BE length (kind + body), kind byte, raw body bytes. */
export function rawFrame(kind: number, body: Uint8Array, lengthOverride?: number): Buffer {
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(lengthOverride ?? 1 + body.length, 0);
  frame[4] = kind;
  frame.set(body, 5);
  return frame;
}

/** A valid handshake frame. */
export function handshakeFrame(nodeId: string, clusterId: string): Buffer {
  return encodeFrame(FrameKind.Handshake, { v: PROTOCOL_VERSION, nodeId, clusterId });
}
