import fc from 'fast-check';
import { BINARY_COMMAND_TAG, MalformedCommandError } from './command-codec';
import { decodeCommand, encodeCommand, type KvCommand } from './commands';
import { encodeMsgpackCommand } from './msgpack-command';

const ids = { clientId: 'client-7', requestId: 'r-42', ts: 1_795_000_000_123 };
const examples: KvCommand[] = [
  { op: 'put', key: 'k', value: 'v'.repeat(256), ...ids },
  { op: 'put', key: 'anon', value: '', clientId: 'anon-3f9c2a71d04b8e65', requestId: 'z1', untracked: true, ts: 5 },
  { op: 'del', key: 'gone', ...ids },
  { op: 'cas', key: 'c', expect: null, value: 'first', ...ids },
  { op: 'cas', key: 'c', expect: 'first', value: 'second', ...ids },
  { op: 'incr', key: 'n', delta: -9_007_199_254_740_991, ...ids },
  { op: 'append', key: 'room/1', sender: 'ana', clientMsgId: 'm-1', msgId: '7351238912', body: 'héllo 👋 wörld', ...ids },
  { op: 'put', key: 'ключ/鍵', value: 'é'.repeat(50), ...ids },
];

const text = fc.string({ unit: 'binary', maxLength: 80 });
const idsArb = fc.record({ clientId: text, requestId: text, ts: fc.integer({ min: 0, max: 2 ** 50 }) });
const commandArb: fc.Arbitrary<KvCommand> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: text, value: fc.string({ unit: 'binary', maxLength: 600 }) }),
  fc.record({ op: fc.constant('del' as const), key: text }),
  fc.record({ op: fc.constant('cas' as const), key: text, expect: fc.option(text, { nil: null }), value: text }),
  fc.record({ op: fc.constant('incr' as const), key: text, delta: fc.maxSafeInteger() }),
  fc.record({ op: fc.constant('append' as const), key: text, sender: text, clientMsgId: text, msgId: text, body: text }),
).chain((c) => idsArb.chain((i) => fc.boolean().map((untracked) => ({ ...c, ...i, ...(untracked ? { untracked: true as const } : {}) }) as KvCommand)));

describe('KV command codec', () => {
  it.each(examples.map((c) => [c.op, c] as const))('round-trips a %s command', (_op, cmd) => {
    const bytes = encodeCommand(cmd);
    expect(bytes[0]).toBe(BINARY_COMMAND_TAG);
    expect(decodeCommand(bytes)).toStrictEqual(cmd);
  });

  it('round-trips any command with any well-formed Unicode text', () => {
    fc.assert(fc.property(commandArb, (cmd) => expect(decodeCommand(encodeCommand(cmd))).toStrictEqual(cmd)));
  });

  it('still decodes commands written as msgpack maps by earlier versions', () => {
    for (const cmd of examples) expect(decodeCommand(encodeMsgpackCommand(cmd))).toStrictEqual(cmd);
  });

  it('is shorter than the msgpack map it replaces', () => {
    const put = examples[0]!;
    expect(encodeCommand(put).length).toBeLessThan(encodeMsgpackCommand(put).length);
  });

  it('never overwrites an encoding it handed out, also past a slab and for large values', () => {
    const first = encodeCommand(examples[6]!);
    const firstCopy = Uint8Array.from(first);
    const large = encodeCommand({ op: 'put', key: 'big', value: 'x'.repeat(100_000), ...ids });
    for (let i = 0; i < 2_000; i++) encodeCommand({ op: 'put', key: `k${i}`, value: 'y'.repeat(100), ...ids });
    expect(Uint8Array.from(first)).toStrictEqual(firstCopy);
    expect(decodeCommand(large)).toMatchObject({ value: 'x'.repeat(100_000) });
  });

  it('decodes from a plain Uint8Array as well as a Buffer', () => {
    const bytes = encodeCommand(examples[3]!);
    const plain = new Uint8Array(bytes.length + 3).subarray(3);
    plain.set(bytes);
    expect(decodeCommand(plain)).toStrictEqual(examples[3]);
  });

  describe('rejects malformed bytes with a MalformedCommandError naming the problem', () => {
    const good = (): Uint8Array => Uint8Array.from(encodeCommand(examples[4]!));
    const rejects = (bytes: Uint8Array, message: RegExp): void => {
      expect(() => decodeCommand(bytes)).toThrow(MalformedCommandError);
      expect(() => decodeCommand(bytes)).toThrow(message);
    };

    it('every truncation of a valid command', () => {
      const bytes = good();
      for (let n = 1; n < bytes.length; n++) expect(() => decodeCommand(bytes.subarray(0, n))).toThrow(MalformedCommandError);
    });
    it('trailing bytes', () => rejects(Uint8Array.from([...good(), 0]), /has 1 trailing bytes/));
    it('an unknown op code', () => {
      const b = good();
      b[1] = 9;
      rejects(b, /unknown op code 9/);
    });
    it('unknown flags', () => {
      const b = good();
      b[2] = 0x10;
      rejects(b, /unknown command flags 0x10/);
    });
    it('"expect null" on anything but cas', () => {
      const b = Uint8Array.from(encodeCommand(examples[0]!));
      b[2] = 2;
      rejects(b, /only cas may expect null/);
    });
    it('a timestamp that is not a finite number', () => {
      const b = good();
      Buffer.from(b.buffer, b.byteOffset).writeDoubleLE(Number.NaN, 3);
      rejects(b, /timestamp is not a finite number/);
    });
    it('a length byte that is neither short nor the long marker', () => {
      const b = good();
      b[11] = 0x90;
      rejects(b, /invalid field length byte 0x90/);
    });
    it('an incr delta that is not a safe integer', () => {
      const b = Uint8Array.from(encodeCommand(examples[5]!));
      Buffer.from(b.buffer, b.byteOffset).writeDoubleLE(1.5, b.length - 8);
      rejects(b, /integer delta/);
    });
    it('bytes that are neither layout', () => rejects(Uint8Array.from([0x01]), /not a map/));
    it('a truncated msgpack command', () => rejects(Uint8Array.from([0x82, 0xa2]), /not msgpack/));
  });
});
