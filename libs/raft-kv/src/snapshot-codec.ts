import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false });

/** Encodes one snapshot record as [u32 big-endian length][msgpack body]. */
export function frameRecord(record: unknown): Uint8Array {
  const body = packr.pack(record);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

/** Incrementally splits a byte stream back into records, never holding more than one partial record. */
export class RecordReader {
  private pending: Uint8Array = new Uint8Array(0);

  /** Feeds bytes; returns every record completed by them. */
  push(chunk: Uint8Array): unknown[] {
    let buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const out: unknown[] = [];
    let off = 0;
    while (buf.length - off >= 4) {
      const len = new DataView(buf.buffer, buf.byteOffset + off, 4).getUint32(0);
      if (buf.length - off - 4 < len) break;
      out.push(packr.unpack(buf.subarray(off + 4, off + 4 + len)));
      off += 4 + len;
    }
    buf = buf.subarray(off);
    this.pending = buf.length > 0 ? buf.slice() : new Uint8Array(0);
    return out;
  }

  /** Whether the stream ended exactly at a record boundary. */
  finished(): boolean {
    return this.pending.length === 0;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
