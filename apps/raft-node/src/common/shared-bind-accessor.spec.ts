import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { shareAsyncResourceBindAccessor } from './shared-bind-accessor';

describe('shareAsyncResourceBindAccessor', () => {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  let installed: boolean;

  beforeAll(() => {
    installed = shareAsyncResourceBindAccessor();
  });

  it('installs on Node 20, whose bind builds an accessor per call, and is idempotent', () => {
    if (nodeMajor === 20) expect(installed).toBe(true);
    expect(shareAsyncResourceBindAccessor()).toBe(installed);
  });

  it('shares one getter and setter between bound functions', () => {
    const resource = new AsyncResource('test', { requireManualDestroy: true });
    const a = Object.getOwnPropertyDescriptor(resource.bind(() => 1), 'asyncResource');
    const b = Object.getOwnPropertyDescriptor(resource.bind(() => 2), 'asyncResource');
    if (!installed) return; // a Node whose own bind needs no help
    expect(a?.get).toBe(b?.get);
    expect(a?.set).toBe(b?.set);
    expect(a?.enumerable).toBe(true);
    expect(a?.configurable).toBe(true);
  });

  it("runs the function in the resource's async scope and context, with the caller's this and arguments", async () => {
    const storage = new AsyncLocalStorage<string>();
    const { resource, bound } = storage.run('request-1', () => {
      const r = new AsyncResource('test', { requireManualDestroy: true });
      return { resource: r, bound: r.bind(function (this: unknown, x: number, y: number) {
        return { id: executionAsyncId(), store: storage.getStore(), self: this, sum: x + y };
      }) };
    });
    const receiver = { name: 'receiver' };
    const seen = await storage.run('request-2', async () => {
      await Promise.resolve();
      return bound.call(receiver, 2, 3);
    });
    expect(seen).toEqual({ id: resource.asyncId(), store: 'request-1', self: receiver, sum: 5 });
  });

  it('binds thisArg when given one', () => {
    const resource = new AsyncResource('test', { requireManualDestroy: true });
    const target = { n: 7 };
    // @types/node declares bind(fn) only; Node takes an optional thisArg.
    const bindWithThis = resource.bind as unknown as (fn: (this: { n: number }, add: number) => number, thisArg: unknown) => (this: unknown, add: number) => number;
    const bound = bindWithThis.call(
      resource,
      function (this: { n: number }, add: number) {
        return this.n + add;
      },
      target,
    );
    expect(bound.call({ n: 100 }, 1)).toBe(8);
  });

  it("keeps fn's length and an asyncResource that reads and reassigns", () => {
    const resource = new AsyncResource('test', { requireManualDestroy: true });
    const other = new AsyncResource('other', { requireManualDestroy: true });
    const bound = resource.bind((a: number, b: number, c: number) => a + b + c) as ((...args: number[]) => number) & { asyncResource: AsyncResource };
    expect(bound.length).toBe(3);
    expect(Object.getOwnPropertyDescriptor(bound, 'length')).toMatchObject({ writable: false, enumerable: false, configurable: true });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(bound.asyncResource).toBe(resource);
      bound.asyncResource = other;
      expect(bound.asyncResource).toBe(other);
    } finally {
      warn.mockRestore();
    }
    // Reassigning the property does not move the call to another resource (as in Node).
    expect(bound(1, 2, 3)).toBe(6);
  });

  it("rejects a non-function with Node's own error", () => {
    const resource = new AsyncResource('test', { requireManualDestroy: true });
    expect(() => resource.bind(42 as unknown as () => void)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
