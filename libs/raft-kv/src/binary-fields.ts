/**
 * Field primitives of this library's binary command layout (see the README):
 * length-prefixed UTF-8 strings and little-endian doubles.
 */

/** A length byte below this is the length itself; LONG_LENGTH is followed by a u32 LE. */
const SHORT_LENGTH_LIMIT = 0x80;
const LONG_LENGTH = 0xff;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_UTF8_PER_UNIT = 3;

/** Upper bound of a string field's encoded size. */
export function stringFieldBound(s: string): number {
  return 5 + s.length * MAX_UTF8_PER_UNIT;
}

/**
 * Writes `s` as a length-prefixed UTF-8 field at `offset` (the caller reserved
 * {@link stringFieldBound} bytes); returns the offset after it.
 */
export function writeStringField(buf: Buffer, offset: number, s: string): number {
  if (s.length * MAX_UTF8_PER_UNIT < SHORT_LENGTH_LIMIT) {
    // Keys and ids are short and almost always ASCII: copying them here is cheaper than a
    // call into the UTF-8 encoder.
    let p = offset + 1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return writeUtf8Field(buf, offset, s);
      buf[p++] = c;
    }
    buf[offset] = s.length;
    return p;
  }
  return writeUtf8Field(buf, offset, s);
}

function writeUtf8Field(buf: Buffer, offset: number, s: string): number {
  if (s.length * MAX_UTF8_PER_UNIT < SHORT_LENGTH_LIMIT) {
    const n = buf.write(s, offset + 1, 'utf8');
    buf[offset] = n;
    return offset + 1 + n;
  }
  const n = buf.write(s, offset + 5, 'utf8');
  buf[offset] = LONG_LENGTH;
  buf.writeUInt32LE(n, offset + 1);
  return offset + 5 + n;
}

/** A Buffer over the same bytes (no copy) when `data` is a plain Uint8Array. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Reads fields front to back; any overrun or invalid field throws the error `fail` makes. */
export class FieldReader {
  constructor(
    private readonly buf: Buffer,
    public offset: number,
    private readonly fail: (message: string) => Error,
  ) {}

  string(): string {
    const { buf } = this;
    if (this.offset >= buf.length) throw this.fail('ends inside a field');
    let length = buf.readUInt8(this.offset);
    let start = this.offset + 1;
    if (length === LONG_LENGTH) {
      if (start + 4 > buf.length) throw this.fail('ends inside a field length');
      length = buf.readUInt32LE(start);
      start += 4;
    } else if (length >= SHORT_LENGTH_LIMIT) {
      throw this.fail(`has an invalid field length byte 0x${length.toString(16)}`);
    }
    const end = start + length;
    if (end > buf.length) throw this.fail('ends inside a field');
    this.offset = end;
    return buf.toString('utf8', start, end);
  }

  double(): number {
    if (this.offset + 8 > this.buf.length) throw this.fail('ends inside a number');
    const value = this.buf.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.offset !== this.buf.length) throw this.fail(`has ${this.buf.length - this.offset} trailing bytes`);
  }
}
