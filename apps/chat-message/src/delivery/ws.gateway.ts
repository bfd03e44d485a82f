import { Inject } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { AuthService } from '../auth/auth.service';
import { CHAT_ENV, type ChatEnv } from '../config/chat-config';
import { decodeCursor, InvalidCursorError, type SyncCursor } from '../common/cursor';
import { ConnectionRegistry } from './connection-registry';
import type { LiveSession } from './live-session';
import { SessionFactory } from './session-factory';
import { WriteBatch } from './write-batch';
import { WS_CLOSE, WsTransport } from './ws-transport';

export { WS_CLOSE } from './ws-transport';

type ChatSocket = WebSocket & { session?: LiveSession; release?: () => void };

/**
 * WebSocket push at `/v1/ws?access_token=JWT&cursor=C`. The server resumes from the cursor
 * (sync frames), sends `ready`, then pushes `message`, `receipt` and `membership` frames.
 * Client → server: `{"event":"ping"}` → `{"event":"pong"}`.
 */
@WebSocketGateway({ path: '/v1/ws' })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  /** Shared by all sockets: one end-of-tick flush however many sockets were written. */
  private readonly batch = new WriteBatch();

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
    // req.socket is the TCP socket the WebSocket was upgraded from (and writes to).
    const transport = new WsTransport(socket, req.socket, this.batch, this.env.CLIENT_MAX_BUFFERED_BYTES);
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
