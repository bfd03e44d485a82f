import { AsyncResource } from 'node:async_hooks';
import { deprecate } from 'node:util';

const DEPRECATION = 'The asyncResource property on bound functions is deprecated';
const RESOURCE = Symbol('asyncResource');

interface BoundWithResource {
  [RESOURCE]: AsyncResource;
}

// One getter and one setter for every bound function, each a single deprecation wrapper
// (DEP0172 warns once per process either way).
const getResource = deprecate(function (this: BoundWithResource): AsyncResource {
  return this[RESOURCE];
}, DEPRECATION, 'DEP0172');
const setResource = deprecate(function (this: BoundWithResource, resource: AsyncResource): void {
  this[RESOURCE] = resource;
}, DEPRECATION, 'DEP0172');

type Bind = (this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) => (...args: unknown[]) => unknown;

/** Whether `AsyncResource.prototype.bind` builds a new `asyncResource` accessor per call. */
function bindBuildsAccessorPerCall(): boolean {
  const resource = new AsyncResource('shared-bind-accessor-probe', { requireManualDestroy: true });
  const noop = (): void => undefined;
  const a = Object.getOwnPropertyDescriptor(resource.bind(noop), 'asyncResource');
  const b = Object.getOwnPropertyDescriptor(resource.bind(noop), 'asyncResource');
  return a?.get !== undefined && a.get !== b?.get;
}

let installed = false;

function bindSharing(resource: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg: unknown): (...args: unknown[]) => unknown {
  const bound =
    thisArg === undefined
      ? function bound(this: unknown, ...args: unknown[]): unknown {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : resource.runInAsyncScope.bind(resource, fn, thisArg);
  Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, writable: false, value: fn.length });
  Object.defineProperty(bound, RESOURCE, { configurable: true, enumerable: false, writable: true, value: resource });
  Object.defineProperty(bound, 'asyncResource', { configurable: true, enumerable: true, get: getResource, set: setResource });
  return bound;
}

/**
 * Makes `AsyncResource.prototype.bind` share one `asyncResource` accessor between all the
 * functions it binds, where Node builds a new one per call (Node 20). Returns whether it
 * installed the replacement (false where Node's own bind already shares or lacks it).
 *
 * Why: Fastify binds one callback per request that has a body. Node 20's `bind` gives each
 * bound function an `asyncResource` getter and setter made by `util.deprecate`, and every
 * deprecation wrapper takes its function as prototype (`Object.setPrototypeOf`), which V8
 * registers in long-lived weak lists. Those per-request objects then outlive young-generation
 * collections instead of dying young: on a raft-node leader at 16 clients they were the
 * largest single source of bytes the scavenger copies (about 1.1 KB of ~4.8 KB per put,
 * `tools/bench/src/kv-load.ts --heap-sample --heap-survivors`; BENCHMARKS.md has the
 * before/after).
 *
 * It lives here because raft-node is the one service on Fastify: the admin gateway and the
 * chat service run on Express, whose body parsing (raw-body, on-finished) binds with
 * `runInAsyncScope.bind` and never builds the accessor.
 *
 * The replacement behaves like Node's: the bound function runs `fn` in the resource's async
 * scope with the caller's `this` (or `thisArg`), has `fn`'s `length`, and carries an
 * enumerable, configurable `asyncResource` accessor that warns DEP0172 and can be
 * reassigned. Invalid arguments go to Node's own `bind`, for its errors.
 */
export function shareAsyncResourceBindAccessor(): boolean {
  if (installed) return true;
  if (!bindBuildsAccessorPerCall()) return false;
  const original = AsyncResource.prototype.bind as unknown as Bind;
  const bind: Bind = function (this: AsyncResource, fn, thisArg) {
    return typeof fn === 'function' ? bindSharing(this, fn, thisArg) : original.call(this, fn, thisArg);
  };
  (AsyncResource.prototype as unknown as { bind: Bind }).bind = bind;
  installed = true;
  return true;
}
