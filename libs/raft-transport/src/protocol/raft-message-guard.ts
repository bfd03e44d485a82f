import type { Message, MessageType } from '@raft/raft-core';

/**
 * Structural check of a decoded Raft message. A peer with a bug (or a different build) must
 * not be able to hand the kernel a value that breaks its invariants at a distance, so every
 * field the kernel reads is checked here, at the edge, once.
 */
export function isRaftMessage(value: unknown): value is Message {
  if (!isRecord(value)) return false;
  if (typeof value['from'] !== 'string' || typeof value['to'] !== 'string' || !isCount(value['term'])) return false;
  const check = BODY_CHECKS[value['type'] as MessageType];
  return check !== undefined && check(value);
}

type BodyCheck = (m: Record<string, unknown>) => boolean;

const BODY_CHECKS: Record<MessageType, BodyCheck> = {
  vote: (m) => isBool(m['pre']) && isCount(m['lastLogIndex']) && isCount(m['lastLogTerm']) && isBool(m['transfer']),
  voteResp: (m) => isBool(m['pre']) && isBool(m['granted']),
  app: (m) => isCount(m['prevIndex']) && isCount(m['prevTerm']) && isCount(m['commit']) && isEntries(m['entries']),
  appResp: (m) => isBool(m['success']) && isCount(m['index']) && isCount(m['hintIndex']) && isCount(m['hintTerm']),
  heartbeat: (m) => isCount(m['commit']) && isCount(m['seq']),
  heartbeatResp: (m) => isCount(m['seq']),
  snap: (m) => isSnapshotMeta(m['meta']) && isCount(m['offset']) && isBytes(m['data']) && isBool(m['done']),
  snapResp: (m) => isSnapshotMeta(m['meta']) && isCount(m['nextOffset']) && isBool(m['done']) && isBool(m['rejected']),
  timeoutNow: () => true,
  readIndex: (m) => typeof m['ctx'] === 'string',
  // -1 is the documented "could not serve" index.
  readIndexResp: (m) => typeof m['ctx'] === 'string' && Number.isSafeInteger(m['index']) && (m['index'] as number) >= -1,
  propose: (m) => Array.isArray(m['entries']) && m['entries'].every((e) => isRecord(e) && isEntryType(e['type']) && isBytes(e['data'])),
  removed: (m) => isCount(m['configIndex']),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isBool(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function isEntryType(value: unknown): boolean {
  return value === 'normal' || value === 'noop' || value === 'config';
}

function isEntries(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const e of value) {
    if (!isRecord(e) || !isCount(e['index']) || !isCount(e['term']) || !isEntryType(e['type']) || !isBytes(e['data'])) {
      return false;
    }
  }
  return true;
}

function isNodeIds(value: unknown): boolean {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}

function isSnapshotMeta(value: unknown): boolean {
  if (!isRecord(value) || !isCount(value['index']) || !isCount(value['term'])) return false;
  const config = value['config'];
  return isRecord(config) && isNodeIds(config['voters']) && isNodeIds(config['learners']) && isNodeIds(config['outgoing']);
}
