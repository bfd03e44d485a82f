import WebSocket from 'ws';

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/** Bytes allocated while sampling, in all and by allocating function (name, file, line). */
export interface AllocationProfile {
  readonly totalBytes: number;
  readonly byFunction: ReadonlyMap<string, number>;
}

/**
 * Samples what another Node process allocates for `seconds`, through its inspector
 * (`--inspect`, WebSocket URL from its "Debugger listening on" line): V8's sampling heap
 * profiler with objects already collected by minor and major GCs kept, so short-lived
 * garbage counts — the allocation rate, not what is retained.
 */
export async function sampleAllocations(
  inspectorUrl: string,
  seconds: number,
  intervalBytes = 4096,
  /**
   * `all`: every allocation. `survivors`: only objects that outlived their first young
   * generation collection (still alive, or later freed by a full GC) — what each scavenge
   * had to copy, the cost that grows with how long objects live.
   */
  keep: 'all' | 'survivors' = 'all',
): Promise<AllocationProfile> {
  const ws = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (raw: WebSocket.RawData) => {
    const msg = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: unknown };
    const waiter = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id!);
    if (msg.error) waiter.reject(new Error(JSON.stringify(msg.error)));
    else waiter.resolve(msg.result);
  });
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  try {
    await call('HeapProfiler.enable');
    await call('HeapProfiler.startSampling', {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: keep === 'all',
    });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
    const byFunction = new Map<string, number>();
    let totalBytes = 0;
    const walk = (node: SamplingNode): void => {
      if (node.selfSize > 0) {
        const f = node.callFrame;
        const where = f.url.replace(/.*node_modules\//, '').replace(/.*\/(apps|libs)\//, '$1/');
        const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
        totalBytes += node.selfSize;
      }
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    return { totalBytes, byFunction };
  } finally {
    ws.close();
  }
}
