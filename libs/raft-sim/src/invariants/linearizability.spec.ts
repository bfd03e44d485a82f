import { LinearizabilityChecker } from './linearizability';

const violation = expect.objectContaining({ name: 'InvariantViolation', invariant: 'linearizability' });

/** w1 (index 5) and w2 (index 8) both write key k; w1 is acknowledged at time 3. */
function history(): LinearizabilityChecker {
  const c = new LinearizabilityChecker();
  c.writeIssued('w1', 'k', 'v1', 1);
  c.writeApplied('w1', 'k', 'v1', 5);
  c.writeAcked('w1', 3);
  return c;
}

describe('LinearizabilityChecker', () => {
  it('accepts a read that sees the acknowledged write', () => {
    const c = history();
    c.readIssued('r1', 'k', 4);
    c.readCompleted('r1', 'v1', 6, 5);
    expect(c.checkedReads()).toBe(1);
  });

  it('accepts a read of a concurrent, not yet acknowledged write', () => {
    const c = history();
    c.writeIssued('w2', 'k', 'v2', 4);
    c.writeApplied('w2', 'k', 'v2', 8);
    c.readIssued('r1', 'k', 5);
    c.readCompleted('r1', 'v2', 8, 6);
  });

  it('fires on a stale read that misses a write acknowledged before it was issued', () => {
    const c = history();
    c.readIssued('r1', 'k', 4);
    expect(() => c.readCompleted('r1', undefined, 4, 5)).toThrow(violation);
  });

  it('fires when the value returned is not what the log gives at the applied index', () => {
    const c = history();
    c.writeIssued('w2', 'k', 'v2', 4);
    c.writeApplied('w2', 'k', 'v2', 8);
    c.readIssued('r1', 'k', 5);
    expect(() => c.readCompleted('r1', 'v2', 6, 6)).toThrow('the log gives v1');
  });

  it('fires on a value from a write issued after the read completed', () => {
    const c = history();
    c.readIssued('r1', 'k', 4);
    c.writeIssued('w9', 'k', 'v9', 10);
    c.writeApplied('w9', 'k', 'v9', 9);
    expect(() => c.readCompleted('r1', 'v9', 9, 6)).toThrow('issued after the read completed');
  });

  it('fires when a write is acknowledged without ever being applied', () => {
    const c = new LinearizabilityChecker();
    c.writeIssued('w1', 'k', 'v1', 1);
    expect(() => c.writeAcked('w1', 2)).toThrow(violation);
  });

  it('does not check abandoned reads', () => {
    const c = history();
    c.readIssued('r1', 'k', 4);
    c.readAbandoned('r1');
    expect(() => c.readCompleted('r1', 'v1', 6, 5)).toThrow('unknown read r1');
    expect(c.checkedReads()).toBe(0);
  });
});
