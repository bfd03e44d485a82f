const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A client write: set `key` to `value`. `id` is unique per client operation. */
export interface PutCommand {
  readonly id: string;
  readonly key: string;
  readonly value: string;
}

/** Encodes a put into entry data. */
export function encodePut(cmd: PutCommand): Uint8Array {
  return encoder.encode(`${cmd.id}\u0000${cmd.key}\u0000${cmd.value}`);
}

/** Decodes entry data produced by {@link encodePut}; throws on anything else. */
export function decodePut(data: Uint8Array): PutCommand {
  const parts = decoder.decode(data).split('\u0000');
  if (parts.length !== 3) throw new Error(`entry data is not a put command (${parts.length} fields)`);
  return { id: parts[0]!, key: parts[1]!, value: parts[2]! };
}
