/** A client operation the workload issues. */
export type ChaosOp =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'cas'; readonly key: string; readonly expect: string | null; readonly value: string }
  | { readonly op: 'incr'; readonly key: string; readonly delta: number };

/** How one attempt ended: with an output, certainly not applied, or unknown. */
export type Attempt = { readonly kind: 'ok'; readonly output: Record<string, unknown> } | { readonly kind: 'fail'; readonly reason: string } | { readonly kind: 'unknown'; readonly reason: string };

export type FaultKind = 'kill' | 'pause' | 'partition' | 'membership';

/** A system under test: processes to fault, and a client API to drive. */
export interface ChaosTarget {
  readonly name: string;
  readonly nodeIds: readonly string[];
  readonly supportedFaults: readonly FaultKind[];
  /** Whether a retry with the same ids is safe (exactly-once requests). */
  readonly exactlyOnce: boolean;
  readonly ops: readonly ChaosOp['op'][];
  start(): Promise<void>;
  stop(): Promise<void>;
  execute(node: string, op: ChaosOp, ids: { clientId: string; requestId: string }, timeoutMs: number): Promise<Attempt>;
  leader(): Promise<string | null>;
  kill(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  /** Cuts links between the groups (one direction only if `oneWay`). */
  partition?(minority: readonly string[], oneWay: boolean): void;
  heal?(): void;
  /** Removes a member and adds it back empty (join mode), through the admin API. */
  cycleMembership?(node: string, log: (s: string) => void): Promise<void>;
  /** Waits until every replica has applied the same log; throws if it never happens. */
  waitConverged(timeoutMs: number): Promise<void>;
  /** The value of each key on one node, read locally (null: absent). */
  dump(node: string, keys: readonly string[]): Promise<Record<string, string | null>>;
}

export async function fetchJson(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}

/**
 * Whether a failed request certainly never reached the server: the connection was refused
 * (nothing listening, e.g. a killed node). Anything else — a timeout, a reset after the
 * request was written — may have been received and acted upon.
 */
export function neverSent(e: unknown): boolean {
  const cause = e instanceof Error ? (e as Error & { cause?: { code?: string } }).cause : undefined;
  return cause?.code === 'ECONNREFUSED';
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator for the workload and the nemesis (runs replay their schedule). */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), x / 2 ** 32);
}
