import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readClusterFile, writeClusterFile, type ClusterFile } from './cluster-file';

const root = resolve(__dirname, '..', '..', '..');
const run = (...args: string[]) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'tools/cluster/src/main.ts'), ...args], { cwd: root, encoding: 'utf8' });

// Each test spawns the CLI through tsx several times: allow for a loaded machine.
jest.setTimeout(120_000);

describe('cluster CLI', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to act without a running cluster, naming the file it looked for', () => {
    const r = run('status', '--data-dir', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no running cluster found at ${join(dir, 'cluster.json')}`);
  });

  it('validates arguments with clear errors', () => {
    expect(run('up', '--nodes', 'zero', '--data-dir', dir).stderr).toContain('--nodes must be an integer in [1, 99]');
    expect(run('up', '--base-port', '80', '--data-dir', dir).stderr).toContain('--base-port must be an integer in [1024, 65000]');
  });

  it('pause/resume/kill act on the recorded process and update cluster.json', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const file: ClusterFile = {
      clusterId: 'raft-ts',
      basePort: 7000,
      dataDir: dir,
      supervisorPid: 0,
      nodes: { n1: { id: 'n1', pid: sleeper.pid!, state: 'running', httpPort: 7001, peerPort: 7101, dataDir: join(dir, 'n1'), logFile: join(dir, 'n1.log'), env: {}, command: ['node'] } },
      services: {},
    };
    writeClusterFile(file);
    expect(run('pause', 'n1', '--data-dir', dir).stdout).toContain('pause n1: ok');
    expect(readClusterFile(dir).nodes['n1']!.state).toBe('paused');
    expect(run('resume', 'n1', '--data-dir', dir).stdout).toContain('resume n1: ok');
    const exited = new Promise<NodeJS.Signals | null>((r) => sleeper.once('exit', (_c, sig) => r(sig)));
    expect(run('kill', 'n1', '--data-dir', dir).stdout).toContain('kill n1: ok');
    expect(await exited).toBe('SIGKILL');
    expect(readClusterFile(dir).nodes['n1']).toMatchObject({ state: 'killed', pid: null });
    expect(run('kill', 'n9', '--data-dir', dir).stderr).toContain('unknown process n9; known: n1');
  });
});
