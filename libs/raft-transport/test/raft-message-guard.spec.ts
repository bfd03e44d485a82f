import type { Message } from '@raft/raft-core';
import { isRaftMessage } from '../src';
import { everyMessageType } from './support/raft-messages';

describe('isRaftMessage', () => {
  it('accepts one message of every type', () => {
    const all = everyMessageType('a', 'b');
    expect(new Set(all.map((m) => m.type)).size).toBe(13);
    for (const message of all) expect(isRaftMessage(message)).toBe(true);
  });

  const mutate = (type: Message['type'], patch: Record<string, unknown>): unknown => ({
    ...everyMessageType('a', 'b').find((m) => m.type === type)!,
    ...patch,
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['an array', []],
    ['an unknown type', mutate('vote', { type: 'bogus' })],
    ['a missing sender', mutate('vote', { from: undefined })],
    ['a fractional term', mutate('vote', { term: 1.5 })],
    ['a negative term', mutate('heartbeat', { term: -1 })],
    ['a string boolean', mutate('voteResp', { granted: 'true' })],
    ['entries that are not an array', mutate('app', { entries: 'x' })],
    ['an entry with a bad type', mutate('app', { entries: [{ index: 1, term: 1, type: 'weird', data: new Uint8Array(0) }] })],
    ['entry data as numbers', mutate('app', { entries: [{ index: 1, term: 1, type: 'normal', data: [1, 2] }] })],
    ['snapshot data as a string', mutate('snap', { data: 'abc' })],
    ['snapshot meta without config', mutate('snapResp', { meta: { index: 1, term: 1 } })],
    ['a read index below -1', mutate('readIndexResp', { index: -2 })],
    ['a read context that is not a string', mutate('readIndex', { ctx: 5 })],
    ['a proposal without data', mutate('propose', { entries: [{ type: 'normal' }] })],
    ['a BigInt counter', mutate('heartbeat', { seq: BigInt(1) })],
    ['a removal notice without its configuration index', mutate('removed', { configIndex: undefined })],
  ])('rejects %s', (_name, value) => {
    expect(isRaftMessage(value)).toBe(false);
  });
});
