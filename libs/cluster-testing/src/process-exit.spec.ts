import { spawn } from 'node:child_process';
import { processDeathTime } from './process-exit';

describe('processDeathTime', () => {
  it('resolves with a time at or after the kill, soon after it, and not before', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid!;
    let resolvedAt: number | null = null;
    const death = processDeathTime(pid).then((t) => {
      resolvedAt = Date.now();
      return t;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(resolvedAt).toBeNull(); // still alive
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const diedAt = await death;
    expect(diedAt).toBeGreaterThanOrEqual(killedAt);
    expect(diedAt - killedAt).toBeLessThan(1000);
  });

  it('a pid that does not exist is dead at once; a live one past the timeout is an error', async () => {
    const before = Date.now();
    // Above the kernel's pid_max (at most 2^22), so never a live process.
    expect(await processDeathTime(5_000_000)).toBeGreaterThanOrEqual(before);
    await expect(processDeathTime(process.pid, 20)).rejects.toThrow(`process ${process.pid} still alive after 20 ms`);
  });
});
