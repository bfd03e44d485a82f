import { RaftTransportServer } from '../src';

describe('RaftTransportServer lifecycle', () => {
  const servers: RaftTransportServer[] = [];
  const make = (port = 0): RaftTransportServer => {
    const server = new RaftTransportServer({ selfId: 'n', clusterId: 'c', port });
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('shares one bind between concurrent listen calls', async () => {
    const server = make();
    await Promise.all([server.start(), server.start(), new Promise<void>((resolve) => server.listen(() => resolve()))]);
    const port = server.address()!.port;
    expect(port).toBeGreaterThan(0);
    await server.start();
    expect(server.address()!.port).toBe(port);
  });

  it('reports a port conflict through the callback and can be retried', async () => {
    const first = make();
    await first.start();
    const port = first.address()!.port;
    const second = make(port);
    const error = await new Promise<unknown>((resolve) => second.listen(resolve));
    expect(error).toMatchObject({ code: 'EADDRINUSE' });
    expect(second.address()).toBeNull();
    expect(() => second.unwrap()).toThrow('not listening');
    await first.close();
    await second.start();
    expect(second.address()!.port).toBe(port);
  });

  it('can listen again after close, and close is idempotent, even while a bind is in flight', async () => {
    const server = make();
    const statuses: string[] = [];
    server.status.subscribe((s) => statuses.push(s));
    const binding = server.start();
    await server.close(); // waits for the in-flight bind, then closes it
    await binding;
    expect(server.address()).toBeNull();
    await server.start();
    expect(server.address()).not.toBeNull();
    await server.close();
    await server.close();
    expect(statuses).toEqual(['listening', 'closed', 'listening', 'closed']);
  });
});
