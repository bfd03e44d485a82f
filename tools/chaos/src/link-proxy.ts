import { createServer, connect, type Server, type Socket } from 'node:net';

/** How a directed link behaves right now. */
export type LinkMode = { readonly kind: 'pass' } | { readonly kind: 'cut' } | { readonly kind: 'delay'; readonly ms: number } | { readonly kind: 'lossy'; readonly resetProbability: number };

/**
 * A TCP proxy for one directed peer link (A dials B through it). Cutting it drops every
 * connection and refuses new ones; delay holds each chunk back; lossy resets connections
 * at random (TCP has no packet loss to imitate, but a reset loses whatever was in flight).
 * Raft peers send on their own outbound connection, so each proxy carries one direction.
 */
export class LinkProxy {
  private server: Server | null = null;
  private mode: LinkMode = { kind: 'pass' };
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly from: string,
    readonly to: string,
    readonly listenPort: number,
    private readonly targetPort: number,
    private readonly random: () => number,
  ) {}

  async start(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
  }

  setMode(mode: LinkMode): void {
    this.mode = mode;
    if (mode.kind === 'cut') for (const s of this.sockets) s.destroy();
  }

  getMode(): LinkMode {
    return this.mode;
  }

  private accept(client: Socket): void {
    if (this.mode.kind === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair = [client, upstream];
    for (const s of pair) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        for (const o of pair) o.destroy();
      });
    }
    const relay = (src: Socket, dst: Socket): void => {
      src.on('data', (chunk: Buffer) => {
        const m = this.mode;
        if (m.kind === 'cut') return void src.destroy();
        if (m.kind === 'lossy' && this.random() < m.resetProbability) return void src.destroy();
        if (m.kind === 'delay') setTimeout(() => dst.writable && dst.write(chunk), m.ms);
        else if (dst.writable) dst.write(chunk);
      });
    };
    relay(client, upstream);
    relay(upstream, client);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
