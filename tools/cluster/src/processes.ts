import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import type { ProcessRecord } from './cluster-file';

/** Starts a managed process detached, with output appended to its log file. Returns its pid. */
export function startProcess(rec: ProcessRecord, cwd: string): number {
  const log = openSync(rec.logFile, 'a');
  const child = spawn(rec.command[0]!, rec.command.slice(1), {
    cwd,
    env: { ...process.env, ...rec.env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${rec.id}`);
  return child.pid;
}

export function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signal(pid: number | null, sig: NodeJS.Signals): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `ms` for a process to exit. */
export async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Polls an HTTP URL until it answers (any status) or the deadline passes. */
export async function waitHttp(url: string, ms: number, cancel?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !cancel?.aborted) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}
