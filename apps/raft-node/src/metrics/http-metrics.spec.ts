import Fastify from 'fastify';
import { Counter, Registry } from 'prom-client';
import { countHttpRequests, UNMATCHED_ROUTE } from './http-metrics';

describe('countHttpRequests', () => {
  it('counts finished requests by route template and status, with one label value for unmatched paths', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'requests_total', help: 'h', labelNames: ['route', 'status'] as const, registers: [registry] });
    const app = Fastify();
    countHttpRequests(app, counter);
    app.put('/v1/kv/:key', async (request, reply) => {
      const { key } = request.params as { key: string };
      if (key === 'bad') return reply.status(400).send({ error: 'bad key' });
      return { revision: 1 };
    });
    for (const key of ['a', 'b', 'c', 'bad']) await app.inject({ method: 'PUT', url: `/v1/kv/${key}`, payload: { value: 'x' } });
    await app.inject({ method: 'GET', url: '/no/such/path/1' });
    await app.inject({ method: 'GET', url: '/no/such/path/2' });

    const values = (await counter.get()).values.map((v) => [v.labels['route'], v.labels['status'], v.value]);
    expect(values).toEqual(
      expect.arrayContaining([
        ['/v1/kv/:key', '200', 3],
        ['/v1/kv/:key', '400', 1],
        [UNMATCHED_ROUTE, '404', 2],
      ]),
    );
    expect(values).toHaveLength(3);
    await app.close();
  });
});
