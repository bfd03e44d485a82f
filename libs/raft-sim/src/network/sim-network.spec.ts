import type { Message } from '@raft/raft-core';
import { Prng } from '../prng';
import { SimNetwork, type NetworkConditions } from './sim-network';

const hb = (from: string, to: string, seq: number): Message => ({ type: 'heartbeat', from, to, term: 1, commit: 0, seq });
const reliable: NetworkConditions = { dropRate: 0, duplicateRate: 0, minDelay: 1, maxDelay: 1 };

function drain(net: SimNetwork, until: number): { at: number; seq: number }[] {
  const out: { at: number; seq: number }[] = [];
  for (let t = 0; t <= until; t++) for (const f of net.takeDue(t)) out.push({ at: t, seq: (f.message as { seq: number }).seq });
  return out;
}

describe('SimNetwork', () => {
  it('delivers every message exactly once after its delay on a reliable network', () => {
    const net = new SimNetwork(new Prng(1), reliable);
    for (let i = 0; i < 5; i++) expect(net.send(hb('n1', 'n2', i), 10)).toBe('queued');
    expect(net.inFlight()).toBe(5);
    expect(drain(net, 20)).toEqual([0, 1, 2, 3, 4].map((seq) => ({ at: 11, seq })));
    expect(net.inFlight()).toBe(0);
  });

  it('keeps delays within bounds and reorders messages between the same pair', () => {
    const net = new SimNetwork(new Prng(3), { dropRate: 0, duplicateRate: 0, minDelay: 2, maxDelay: 6 });
    for (let i = 0; i < 200; i++) net.send(hb('n1', 'n2', i), 0);
    const got = drain(net, 10);
    expect(got).toHaveLength(200);
    expect(got.every((g) => g.at >= 2 && g.at <= 6)).toBe(true);
    const order = got.map((g) => g.seq);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('drops everything at drop rate 1 and duplicates everything at duplicate rate 1', () => {
    const lossy = new SimNetwork(new Prng(1), { ...reliable, dropRate: 1 });
    expect(lossy.send(hb('n1', 'n2', 1), 0)).toBe('dropped');
    expect(drain(lossy, 5)).toEqual([]);
    const dup = new SimNetwork(new Prng(1), { ...reliable, duplicateRate: 1 });
    expect(dup.send(hb('n1', 'n2', 7), 0)).toBe('duplicated');
    expect(drain(dup, 5)).toEqual([
      { at: 1, seq: 7 },
      { at: 1, seq: 7 },
    ]);
  });

  it('drops roughly the configured fraction', () => {
    const net = new SimNetwork(new Prng(11), { ...reliable, dropRate: 0.25 });
    let dropped = 0;
    for (let i = 0; i < 4000; i++) if (net.send(hb('n1', 'n2', i), 0) === 'dropped') dropped++;
    expect(dropped).toBeGreaterThan(850);
    expect(dropped).toBeLessThan(1150);
  });

  it('cuts links one way only for asymmetric partitions', () => {
    const net = new SimNetwork(new Prng(1), reliable);
    net.cutOneWay('n1', 'n2');
    expect(net.send(hb('n1', 'n2', 1), 0)).toBe('blocked');
    expect(net.send(hb('n2', 'n1', 2), 0)).toBe('queued');
    expect(net.describeCuts()).toBe('n1>n2');
  });

  it('partitions groups both ways, loses in-flight messages across a new cut, and heals', () => {
    const net = new SimNetwork(new Prng(1), reliable);
    net.send(hb('n1', 'n3', 1), 0);
    net.partition([['n1', 'n2'], ['n3']]);
    expect(net.isBlocked('n3', 'n1')).toBe(true);
    expect(net.isBlocked('n1', 'n2')).toBe(false);
    expect(drain(net, 3)).toEqual([]);
    net.heal();
    expect(net.isPartitioned()).toBe(false);
    net.send(hb('n1', 'n3', 2), 5);
    expect(drain(net, 10)).toEqual([{ at: 6, seq: 2 }]);
  });
});
