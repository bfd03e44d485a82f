/**
 * Cluster CLI: `npm run cluster -- <command>`. See README "Local cluster".
 *   up [--nodes N] [--base-port P] [--data-dir DIR] [--no-services]
 *   status | kill <id> | pause <id> | resume <id> | restart <id> | start-new <id>   [--data-dir DIR]
 */
import { Command, InvalidArgumentError } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readClusterFile, writeClusterFile, type ClusterFile, type ProcessRecord } from './cluster-file';
import { isAlive, signal, startProcess, waitUntilGone, waitHttp } from './processes';

const repoRoot = resolve(__dirname, '..', '..', '..');

function intOption(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
}

function build(): void {
  execFileSync(process.execPath, [join(repoRoot, 'tools/build/build.mjs')], { stdio: 'inherit' });
}

/** The node process record for id n<i> on the cluster's port scheme. */
function nodeRecord(file: Pick<ClusterFile, 'basePort' | 'dataDir' | 'clusterId'>, index: number, peers: string, joinMode: boolean): ProcessRecord {
  const id = `n${index}`;
  const httpPort = file.basePort + index;
  const peerPort = file.basePort + 100 + index;
  const dataDir = join(file.dataDir, id);
  mkdirSync(dataDir, { recursive: true });
  return {
    id,
    pid: null,
    state: 'stopped',
    httpPort,
    peerPort,
    dataDir,
    logFile: join(file.dataDir, `${id}.log`),
    env: {
      NODE_ID: id,
      CLUSTER_ID: file.clusterId,
      PEERS: peers,
      JOIN: String(joinMode),
      HTTP_PORT: String(httpPort),
      PEER_PORT: String(peerPort),
      DATA_DIR: dataDir,
    },
    command: [process.execPath, '--enable-source-maps', ...gcArgs(), ...nodeArgs(), join(repoRoot, 'dist/apps/raft-node/src/main.js')],
  };
}

/**
 * The raft-node processes' garbage-collector flags, unless `RAFT_NODE_GC_ARGS` replaces them
 * (space-separated; e.g. `--max-semi-space-size=64` alone for parallel scavenging):
 * - a 64 MB young generation (Node 20's default is 16 MB): every request allocates (HTTP
 *   parsing, DTOs, msgpack frames) and scavenges were ~8% of a node's CPU under load; with
 *   it, node CPU per committed put fell ~4–5% in 5 of 6 paired runs;
 * - `--no-parallel-scavenge`: the nodes of a local cluster share the machine's cores, and
 *   V8's scavenger helper threads spent 3–4x a scavenge's pause on them. Scavenging on the
 *   main thread alone raised throughput at 256 clients and lowered CPU per put. It keeps
 *   concurrent marking, which `--single-threaded-gc` also turns off: with that flag the
 *   old-generation pauses of a run summed to about twice as much. Measurements:
 *   BENCHMARKS.md, "Eighth session". On a host of its own a node may do better with
 *   parallel scavenging.
 */
const RAFT_NODE_GC_FLAGS = ['--max-semi-space-size=64', '--no-parallel-scavenge'];

function gcArgs(): string[] {
  const override = process.env['RAFT_NODE_GC_ARGS'];
  return override === undefined ? RAFT_NODE_GC_FLAGS : override.split(' ').filter((a) => a !== '');
}

/**
 * Extra Node.js flags for the raft-node processes from `RAFT_NODE_ARGS` (space-separated),
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` — flags NODE_OPTIONS does not accept.
 */
function nodeArgs(): string[] {
  return (process.env['RAFT_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
}

/** Admin gateway and chat service records, on 8080/8090 for the default base port. */
function serviceRecords(file: Pick<ClusterFile, 'basePort' | 'dataDir' | 'clusterId'>, nodeIndexes: number[]): ProcessRecord[] {
  const offset = file.basePort - 7000;
  const httpNodes = nodeIndexes.map((i) => `127.0.0.1:${file.basePort + i}`).join(',');
  const defs: { id: string; port: number; env: Record<string, string> }[] = [
    {
      id: 'admin-gateway',
      port: 8080 + offset,
      env: { PORT: String(8080 + offset), SEED_NODES: httpNodes, ADMIN_TOKEN: process.env['ADMIN_TOKEN'] ?? 'dev-admin-token' },
    },
    {
      id: 'chat-message',
      port: 8090 + offset,
      env: { PORT: String(8090 + offset), RAFT_NODES: httpNodes, JWT_SECRET: process.env['JWT_SECRET'] ?? 'dev-jwt-secret' },
    },
  ];
  return defs
    .map((d) => ({ ...d, main: join(repoRoot, `dist/apps/${d.id}/src/main.js`) }))
    .filter((d) => existsSync(d.main))
    .map((d) => ({
      id: d.id,
      pid: null,
      state: 'stopped' as const,
      httpPort: d.port,
      logFile: join(file.dataDir, `${d.id}.log`),
      env: { HOST: '127.0.0.1', ...d.env },
      command: [process.execPath, '--enable-source-maps', d.main],
    }));
}

function peerSpec(basePort: number, indexes: number[]): string {
  return indexes.map((i) => `n${i}=127.0.0.1:${basePort + 100 + i}:${basePort + i}`).join(',');
}

function indexOf(id: string): number {
  const m = /^n([1-9]\d{0,1})$/.exec(id);
  if (!m) throw new InvalidArgumentError(`node id must look like n<i> with 1 ≤ i ≤ 99, got ${id}`);
  return Number(m[1]);
}

async function up(opts: { nodes: number; basePort: number; dataDir: string; services: boolean }): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  if (existsSync(join(dataDir, 'cluster.json'))) {
    const old = readClusterFile(dataDir);
    if (isAlive(old.supervisorPid) && old.supervisorPid !== process.pid) {
      throw new Error(`a cluster is already running from ${dataDir} (supervisor pid ${old.supervisorPid})`);
    }
  }
  build();
  const indexes = Array.from({ length: opts.nodes }, (_, i) => i + 1);
  const base = { basePort: opts.basePort, dataDir, clusterId: 'raft-ts' };
  const peers = peerSpec(opts.basePort, indexes);
  const file: ClusterFile = { ...base, supervisorPid: process.pid, nodes: {}, services: {} };
  for (const i of indexes) {
    const rec = nodeRecord(base, i, peers, false);
    rec.pid = startProcess(rec, repoRoot);
    rec.state = 'running';
    file.nodes[rec.id] = rec;
  }
  if (opts.services) {
    for (const rec of serviceRecords(base, indexes)) {
      rec.pid = startProcess(rec, repoRoot);
      rec.state = 'running';
      file.services[rec.id] = rec;
    }
  }
  writeClusterFile(file);
  let stopping = false;
  const monitor: { timer?: NodeJS.Timeout } = {};
  // Cancels the start-up waits, so a Ctrl-C during start-up ends the supervisor promptly.
  const startup = new AbortController();
  const stopAll = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    startup.abort();
    process.stdout.write(`\n${why}: stopping everything...\n`);
    const current = readClusterFile(dataDir);
    const all = [...Object.values(current.nodes), ...Object.values(current.services)];
    for (const r of all) {
      if (r.state === 'paused') signal(r.pid, 'SIGCONT');
      signal(r.pid, 'SIGTERM');
    }
    for (const r of all) if (r.pid !== null && !(await waitUntilGone(r.pid, 5000))) signal(r.pid, 'SIGKILL');
    for (const r of all) {
      r.pid = null;
      r.state = 'stopped';
    }
    writeClusterFile({ ...current, supervisorPid: 0 });
    process.stdout.write('all processes stopped\n');
    // The monitor timer is the only thing left holding the event loop: the supervisor ends.
    clearInterval(monitor.timer);
  };
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));

  for (const r of [...Object.values(file.nodes), ...Object.values(file.services)]) {
    if (!(await waitHttp(`http://127.0.0.1:${r.httpPort}/v1/status`, 20_000, startup.signal)) && !stopping) {
      process.stderr.write(`node ${r.id} did not come up; see ${r.logFile}\n`);
    }
  }
  const leader = await waitForLeader(Object.values(file.nodes), 20_000, startup.signal);
  // Stopped while starting up: nothing left to report or watch.
  if (stopping) return;
  process.stdout.write(
    [
      '',
      `raft cluster of ${opts.nodes} nodes is up (data in ${dataDir}, state in ${join(dataDir, 'cluster.json')})`,
      ...Object.values(file.nodes).map(
        (r) => `  ${r.id}: client API http://127.0.0.1:${r.httpPort}  (docs /docs, metrics /metrics)  peers 127.0.0.1:${r.peerPort}  log ${r.logFile}`,
      ),
      `  leader: ${leader ?? 'none yet'}`,
      ...Object.values(file.services).map((r) =>
        r.id === 'admin-gateway'
          ? `  admin gateway: dashboard http://127.0.0.1:${r.httpPort}/  API /v1/cluster (token ${r.env['ADMIN_TOKEN']})  docs /docs  log ${r.logFile}`
          : `  chat service: web client http://127.0.0.1:${r.httpPort}/  docs /docs  log ${r.logFile}`,
      ),
      '',
      'Try:',
      `  curl -s -X PUT http://127.0.0.1:${opts.basePort + 1}/v1/kv/hello -H 'content-type: application/json' -d '{"value":"world"}'`,
      `  curl -s http://127.0.0.1:${opts.basePort + 2}/v1/kv/hello`,
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
  // Report processes that die unexpectedly (kill/restart from another shell is expected).
  monitor.timer = setInterval(() => {
    if (stopping) return;
    let current: ClusterFile;
    try {
      current = readClusterFile(dataDir);
    } catch {
      return;
    }
    for (const r of [...Object.values(current.nodes), ...Object.values(current.services)]) {
      if (r.state === 'running' && !isAlive(r.pid)) {
        process.stdout.write(`${r.id} (pid ${r.pid}) exited; see ${r.logFile}\n`);
        r.state = 'stopped';
        r.pid = null;
        writeClusterFile(current);
      }
    }
  }, 1000);
}

async function waitForLeader(nodes: ProcessRecord[], ms: number, cancel: AbortSignal): Promise<string | null> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !cancel.aborted) {
    for (const r of nodes) {
      try {
        const res = await fetch(`http://127.0.0.1:${r.httpPort}/v1/status`, { signal: AbortSignal.timeout(500) });
        const s = (await res.json()) as { leaderId: string | null };
        if (s.leaderId) return s.leaderId;
      } catch {
        // not up yet
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

async function status(dataDir: string): Promise<void> {
  const file = readClusterFile(resolve(dataDir));
  const rows: string[] = ['id    pid      state    http   role       term  leader  commit  applied'];
  for (const r of Object.values(file.nodes)) {
    let s: Record<string, unknown> = {};
    if (r.state !== 'paused' && isAlive(r.pid)) {
      try {
        s = (await (await fetch(`http://127.0.0.1:${r.httpPort}/v1/status`, { signal: AbortSignal.timeout(1000) })).json()) as Record<string, unknown>;
      } catch {
        s = {};
      }
    }
    const state = r.state === 'running' && !isAlive(r.pid) ? 'dead' : r.state;
    rows.push(
      [r.id.padEnd(5), String(r.pid ?? '-').padEnd(8), state.padEnd(8), String(r.httpPort).padEnd(6), String(s['role'] ?? '-').padEnd(10), String(s['term'] ?? '-').padEnd(5), String(s['leaderId'] ?? '-').padEnd(7), String(s['commitIndex'] ?? '-').padEnd(7), String(s['appliedIndex'] ?? '-')].join(' '),
    );
  }
  process.stdout.write(rows.join('\n') + '\n');
}

async function act(dataDir: string, id: string, action: 'kill' | 'pause' | 'resume' | 'restart' | 'start-new'): Promise<void> {
  const dir = resolve(dataDir);
  const file = readClusterFile(dir);
  if (action === 'start-new') {
    if (file.nodes[id]) throw new InvalidArgumentError(`${id} is already a member of this cluster file`);
    const index = indexOf(id);
    const existing = Object.keys(file.nodes).map(indexOf);
    const rec = nodeRecord(file, index, peerSpec(file.basePort, [...existing, index]), true);
    rec.pid = startProcess(rec, repoRoot);
    rec.state = 'running';
    file.nodes[id] = rec;
    writeClusterFile(file);
    // Return only once it listens, so a script can add it to the cluster right away.
    if (!(await waitHttp(`http://127.0.0.1:${rec.httpPort}/v1/status`, 30_000))) throw new Error(`${id} did not come up; see ${rec.logFile}`);
    process.stdout.write(`${id} started empty in join mode (pid ${rec.pid}), client http://127.0.0.1:${rec.httpPort}, peers 127.0.0.1:${rec.peerPort}\n`);
    return;
  }
  const rec = file.nodes[id] ?? file.services[id];
  if (!rec) throw new InvalidArgumentError(`unknown process ${id}; known: ${[...Object.keys(file.nodes), ...Object.keys(file.services)].join(', ')}`);
  switch (action) {
    case 'kill':
      if (!signal(rec.pid, 'SIGKILL')) throw new Error(`${id} is not running`);
      rec.state = 'killed';
      rec.pid = null;
      break;
    case 'pause':
      if (!signal(rec.pid, 'SIGSTOP')) throw new Error(`${id} is not running`);
      rec.state = 'paused';
      break;
    case 'resume':
      if (!signal(rec.pid, 'SIGCONT')) throw new Error(`${id} is not running`);
      rec.state = 'running';
      break;
    case 'restart':
      if (isAlive(rec.pid)) throw new Error(`${id} is still running (pid ${rec.pid}); kill it first`);
      rec.pid = startProcess(rec, repoRoot);
      rec.state = 'running';
      writeClusterFile(file);
      if (!(await waitHttp(`http://127.0.0.1:${rec.httpPort}/v1/status`, 30_000))) throw new Error(`${id} did not come up; see ${rec.logFile}`);
      break;
  }
  writeClusterFile(file);
  process.stdout.write(`${action} ${id}: ok${rec.pid ? ` (pid ${rec.pid})` : ''}\n`);
}

const program = new Command('cluster').description('Run and poke a local raft-ts cluster').showHelpAfterError();
const dataDirOpt = ['--data-dir <dir>', 'cluster data directory', './data'] as const;
program
  .command('up')
  .description('build if needed and run N nodes in the foreground until SIGINT/SIGTERM')
  .option('--nodes <n>', 'number of nodes', intOption('--nodes', 1, 99), 3)
  .option('--base-port <p>', 'node i serves HTTP on P+i and peers on P+100+i', intOption('--base-port', 1024, 65000), 7000)
  .option(...dataDirOpt)
  .option('--no-services', 'do not start the admin gateway and chat service')
  .action((o: { nodes: number; basePort: number; dataDir: string; services: boolean }) => up(o));
program.command('status').description('show every process and its Raft state').option(...dataDirOpt).action((o: { dataDir: string }) => status(o.dataDir));
for (const action of ['kill', 'pause', 'resume', 'restart', 'start-new'] as const) {
  const help = {
    kill: 'SIGKILL a node',
    pause: 'SIGSTOP a node',
    resume: 'SIGCONT a paused node',
    restart: 'start a killed node again on its data',
    'start-new': 'start a fresh, empty node in join mode on the port scheme',
  }[action];
  program
    .command(`${action} <id>`)
    .description(help)
    .option(...dataDirOpt)
    .action((id: string, o: { dataDir: string }) => act(o.dataDir, id, action));
}

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`cluster: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
