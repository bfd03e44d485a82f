import { InvalidIdError } from '../errors';

/**
 * ObjectId layout (12 bytes, MongoDB's current definition):
 * `[0..4)` seconds since the Unix epoch, big-endian unsigned;
 * `[4..9)` a random value chosen once per process (generator);
 * `[9..12)` a big-endian counter that starts at a random value and wraps at 2^24.
 */
export const OBJECT_ID_BYTES = 12;
export const OBJECT_ID_PROCESS_RANDOM_BYTES = 5;
/** Number of distinct counter values (2^24). */
export const OBJECT_ID_COUNTER_MODULUS = 0x1000000;

const HEX_24 = /^[0-9a-fA-F]{24}$/;

/** The fields of an ObjectId. */
export interface ObjectIdParts {
  /** Creation time in whole seconds since the Unix epoch. */
  readonly timestampSeconds: number;
  /** The 5 per-process random bytes, as 10 lowercase hex characters. */
  readonly processRandom: string;
  /** The 24-bit counter. */
  readonly counter: number;
}

/**
 * Decodes the 24-character hex form (either case) into its 12 bytes.
 * @throws InvalidIdError
 */
export function objectIdHexToBytes(hex: string): Uint8Array {
  if (!HEX_24.test(hex)) {
    throw new InvalidIdError(`ObjectId hex must be 24 hex characters, got ${JSON.stringify(hex)}`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/**
 * Splits an ObjectId (hex string or 12 bytes) into its fields.
 * @throws InvalidIdError
 */
export function parseObjectId(id: string | Uint8Array): ObjectIdParts {
  const bytes = typeof id === 'string' ? objectIdHexToBytes(id) : id;
  if (bytes.length !== OBJECT_ID_BYTES) {
    throw new InvalidIdError(`ObjectId must be ${OBJECT_ID_BYTES} bytes, got ${bytes.length}`);
  }
  return {
    timestampSeconds: ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0,
    processRandom: Buffer.from(bytes.subarray(4, 9)).toString('hex'),
    counter: (bytes[9] << 16) | (bytes[10] << 8) | bytes[11],
  };
}

/** The creation time of an ObjectId as a `Date` (second precision). */
export function objectIdDate(id: string | Uint8Array): Date {
  return new Date(parseObjectId(id).timestampSeconds * 1000);
}
