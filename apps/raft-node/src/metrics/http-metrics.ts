import type { Counter } from 'prom-client';

/** The part of a Fastify instance the counter needs (keeps this file free of Fastify's types). */
export interface ResponseHookHost {
  addHook(
    name: 'onResponse',
    hook: (request: { readonly routeOptions: { readonly url?: string } }, reply: { readonly statusCode: number }, done: () => void) => void,
  ): unknown;
}

/** The `route` label of requests that matched no route (one value, so scanners cannot grow the label set). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every finished request by route template (`/v1/kv/:key`, not the path) and
 * status. Must be installed before the routes are registered (i.e. before `app.listen`).
 * Children are cached per (route, status): prom-client's `labels()` builds a hash key from
 * its arguments on every call, which is measurable at thousands of requests per second.
 */
export function countHttpRequests(fastify: ResponseHookHost, counter: Counter<'route' | 'status'>): void {
  // Route template → status → child; both keys come as they are, nothing is built per request.
  const children = new Map<string, Map<number, Counter.Internal>>();
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    let byStatus = children.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      children.set(route, byStatus);
    }
    let child = byStatus.get(status);
    if (child === undefined) {
      child = counter.labels({ route, status: String(status) });
      byStatus.set(status, child);
    }
    child.inc();
    done();
  });
}
