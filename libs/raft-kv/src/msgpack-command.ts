import { Packr } from 'msgpackr';
import { MalformedCommandError } from './command-codec';
import type { KvCommand } from './commands';

const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * Encodes a command as the msgpack map that versions before the binary layout wrote.
 * Only for tests that check such entries still apply.
 */
export function encodeMsgpackCommand(cmd: KvCommand): Uint8Array {
  return packr.pack(cmd);
}

/** Decodes and validates a command written as a msgpack map (the layout before the binary one). */
export function decodeMsgpackCommand(data: Uint8Array): KvCommand {
  let raw: unknown;
  try {
    raw = packr.unpack(data);
  } catch (e) {
    throw new MalformedCommandError(`command is not msgpack: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new MalformedCommandError('command is not a map');
  const c = raw as Record<string, unknown>;
  const str = (k: string): boolean => typeof c[k] === 'string';
  if (!str('key') || !str('clientId') || !str('requestId') || typeof c['ts'] !== 'number') {
    throw new MalformedCommandError('command lacks key, ids or timestamp');
  }
  if (c['untracked'] !== undefined && c['untracked'] !== true) throw new MalformedCommandError('untracked must be true when present');
  switch (c['op']) {
    case 'put':
      if (!str('value')) throw new MalformedCommandError('put needs a string value');
      break;
    case 'del':
      break;
    case 'cas':
      if (!str('value') || !(c['expect'] === null || str('expect'))) throw new MalformedCommandError('cas needs value and expect');
      break;
    case 'incr':
      if (!Number.isSafeInteger(c['delta'])) throw new MalformedCommandError('incr needs an integer delta');
      break;
    case 'append':
      if (!str('sender') || !str('clientMsgId') || !str('msgId') || !str('body')) throw new MalformedCommandError('append needs sender, clientMsgId, msgId and body');
      break;
    default:
      throw new MalformedCommandError(`unknown op ${String(c['op'])}`);
  }
  return raw as KvCommand;
}
