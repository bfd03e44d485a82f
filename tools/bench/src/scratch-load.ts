import { readFileSync } from 'node:fs';
import { runLoad } from './http-load';
const clients = Number(process.argv[2] ?? 16);
const secs = Number(process.argv[3] ?? 10);
const value = JSON.stringify({ value: 'v'.repeat(256) });
function disk() { const l = readFileSync('/proc/diskstats', 'utf8').split('\n').find((x) => / vda /.test(x))!.trim().split(/\s+/); return { w: Number(l[7]), ms: Number(l[10]), ioms: Number(l[12]) }; }
async function main() {
  await runLoad(clients, 3, (c, i) => ({ method: 'PUT', host: '127.0.0.1', port: 7401 + (c % 3), path: `/v1/kv/w${c}-${i}`, body: value }));
  const d0 = disk();
  const r = await runLoad(clients, secs, (c, i) => ({ method: 'PUT', host: '127.0.0.1', port: 7401 + (c % 3), path: `/v1/kv/k${c}-${i}`, body: value }));
  const d1 = disk();
  console.log(JSON.stringify({ ...r, diskWritesPerSec: (d1.w - d0.w) / r.seconds, diskBusyPct: (d1.ioms - d0.ioms) / r.seconds / 10, writesPerPut: (d1.w - d0.w) / r.ok }));
}
main();
