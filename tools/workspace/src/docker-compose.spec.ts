import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const composeFile = join(root, 'docker-compose.yml');

describe('docker-compose.yml', () => {
  it('is accepted by `docker-compose config`', () => {
    // .ci/run installs Debian's docker-compose (v1) when it is missing; it validates offline.
    const out = execFileSync('docker-compose', ['-f', composeFile, 'config'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('services:');
  });

  it('declares PostgreSQL, Redis, three raft nodes, the admin gateway and the chat service', () => {
    const text = readFileSync(composeFile, 'utf8');
    for (const service of ['postgres:', 'redis:', 'raft1:', 'raft2:', 'raft3:', 'admin-gateway:', 'chat-message:']) {
      expect(text).toContain(service);
    }
  });
});
