import { readFile } from 'node:fs/promises';

/**
 * Resolves with the time (`Date.now()`) at which process `pid` was first seen dead: gone
 * from /proc or a zombie (killed, not yet reaped by its parent). Polls every 2 ms, so a
 * kill done by another process (the cluster CLI) can be timed without waiting for that
 * process to exit, which on a loaded machine can take much longer than the kill. Linux only.
 */
export async function processDeathTime(pid: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Read after the check: a check that started before the kill can still see the process
    // dead, and the time it started would then precede the kill.
    const dead = await isDead(pid);
    const now = Date.now();
    if (dead) return now;
    if (now > deadline) throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function isDead(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name (which may itself contain spaces).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}
