/**
 * A small closed-loop HTTP load generator: C concurrent clients, each issuing its next
 * request when the previous one answers, for a fixed duration. Keep-alive connections,
 * one per client, so both systems under test see the same connection pattern.
 */
import { Agent, request } from 'node:http';

export interface LoadRequest {
  readonly method: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly body?: string;
}

export interface LoadResult {
  readonly clients: number;
  readonly ok: number;
  readonly errors: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

function send(agent: Agent, r: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, method: r.method, host: r.host, port: r.port, path: r.path, headers: r.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs `clients` closed loops for `seconds`; `next(client, i)` produces each request. */
export async function runLoad(clients: number, seconds: number, next: (client: number, i: number) => LoadRequest): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          const status = await send(agent, next(c, i));
          if (status >= 200 && status < 300) {
            ok++;
            latencies.push(performance.now() - t0);
          } else errors++;
        } catch {
          errors++;
        }
      }
      agent.destroy();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { clients, ok, errors, seconds: elapsed, throughput: ok / elapsed, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), p999: percentile(sorted, 0.999) };
}
