import type { ConfigState, NodeId } from './types';

/** The empty configuration: a server in join mode that waits to be contacted. */
export const EMPTY_CONFIG: ConfigState = Object.freeze({ voters: [], learners: [], outgoing: [] });

/** Every server that must receive the log: voters, outgoing voters and learners. */
export function allMembers(config: ConfigState): NodeId[] {
  const set = new Set<NodeId>([...config.voters, ...config.outgoing, ...config.learners]);
  return [...set].sort();
}

/** Whether `id` is in this configuration at all (voter on either side, or learner). */
export function isMember(config: ConfigState, id: NodeId): boolean {
  return config.voters.includes(id) || config.outgoing.includes(id) || config.learners.includes(id);
}

/** Whether `id` votes in this configuration (in either half of a joint configuration). */
export function isVoter(config: ConfigState, id: NodeId): boolean {
  return config.voters.includes(id) || config.outgoing.includes(id);
}

/** Whether a joint configuration is in force. */
export function isJoint(config: ConfigState): boolean {
  return config.outgoing.length > 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Serialises a configuration into the payload of a `config` entry. */
export function encodeConfig(config: ConfigState): Uint8Array {
  return encoder.encode(
    JSON.stringify({ voters: [...config.voters], learners: [...config.learners], outgoing: [...config.outgoing] }),
  );
}

/** Parses the payload of a `config` entry; throws on anything that is not a configuration. */
export function decodeConfig(data: Uint8Array): ConfigState {
  const raw: unknown = JSON.parse(decoder.decode(data));
  const ok = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof raw !== 'object' || raw === null) throw new Error('config entry is not an object');
  const r = raw as Record<string, unknown>;
  if (!ok(r['voters']) || !ok(r['learners']) || !ok(r['outgoing'])) throw new Error('config entry has bad member lists');
  return { voters: r['voters'], learners: r['learners'], outgoing: r['outgoing'] };
}

/** Stable text form, e.g. for comparing configurations in tests and traces. */
export function describeConfig(c: ConfigState): string {
  const outgoing = c.outgoing.length ? ` outgoing=[${c.outgoing.join(',')}]` : '';
  return `voters=[${c.voters.join(',')}] learners=[${c.learners.join(',')}]${outgoing}`;
}
