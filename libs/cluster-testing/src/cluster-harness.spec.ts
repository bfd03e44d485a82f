import { ClusterHarness, PORT_BLOCKS } from './cluster-harness';

describe('ClusterHarness', () => {
  it('gives each harness its own port range and node urls on the CLI port scheme', () => {
    const a = new ClusterHarness(3);
    const b = new ClusterHarness(5);
    // The next 300-port block, wrapping to 10000 after the last one (the first block depends
    // on the pid, so one run in PORT_BLOCKS starts on the last).
    expect((b.basePort - a.basePort + PORT_BLOCKS * 300) % (PORT_BLOCKS * 300)).toBe(300);
    expect(a.ids()).toEqual(['n1', 'n2', 'n3']);
    expect(b.url('n4', '/v1/status')).toBe(`http://127.0.0.1:${b.basePort + 4}/v1/status`);
  });
});
