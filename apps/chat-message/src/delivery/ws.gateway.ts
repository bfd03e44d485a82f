import { Inject } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { AuthService } from '../auth/auth.service';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { decodeCursor, InvalidCursorError, type SyncCursor } from '../common/cursor';
import { ConnectionRegistry } from './connection-registry';
import type { Frame, LiveSession, Transport } from './live-session';
import { SessionFactory } from './session-factory';

/** Close codes (RFC 6455 private range) with a human-readable reason. */
export const WS_CLOSE = { unauthorized: 4401, badRequest: 4400, tooSlow: 4008, overloaded: 1013 } as const;

type ChatSocket = WebSocket & { session?: LiveSession; release?: () => void };

/**
 * WebSocket push at `/v1/ws?access_token=JWT&cursor=C`. The server resumes from the cursor
 * (sync frames), sends `ready`, then pushes `message`, `receipt` and `membership` frames.
 * Client → server: `{"event":"ping"}` → `{"event":"pong"}`.
 */
@WebSocketGateway({ path: '/v1/ws' })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionFactory,
    private readonly connections: ConnectionRegistry,
    @Inject(CHAT_ENV) private readonly env: ChatEnv,
  ) {}

  handleConnection(socket: ChatSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let userId: string;
    try {
      userId = this.auth.verify(AuthService.tokenFrom(req.headers.authorization, url.searchParams.get('access_token'))).userId;
    } catch (e) {
      socket.close(WS_CLOSE.unauthorized, (e as Error).message.slice(0, 120));
      return;
    }
    let cursor: SyncCursor;
    try {
      cursor = decodeCursor(url.searchParams.get('cursor'));
    } catch (e) {
      socket.close(WS_CLOSE.badRequest, e instanceof InvalidCursorError ? e.message : 'bad request');
      return;
    }
    const slot = this.connections.acquire(userId, 'ws');
    if (!slot.ok) {
      socket.close(WS_CLOSE.overloaded, slot.reason);
      return;
    }
    socket.release = slot.release;
    const limit = this.env.CLIENT_MAX_BUFFERED_BYTES;
    const transport: Transport = {
      kind: 'ws',
      send: (frame: Frame) => {
        if (socket.readyState !== WebSocket.OPEN) return true;
        if (socket.bufferedAmount > limit) return false;
        socket.send(JSON.stringify(frame));
        return true;
      },
      close: (reason) => {
        if (socket.readyState === WebSocket.OPEN) socket.close(WS_CLOSE.tooSlow, reason.slice(0, 120));
        // A client that stopped reading may never complete the closing handshake.
        setTimeout(() => socket.terminate(), 2000).unref();
      },
    };
    socket.session = this.sessions.create(userId, cursor, transport);
    socket.session.start();
  }

  handleDisconnect(socket: ChatSocket): void {
    socket.session?.stop();
    socket.release?.();
  }

  @SubscribeMessage('ping')
  ping(): { event: string; data: { t: number } } {
    return { event: 'pong', data: { t: Date.now() } };
  }
}
