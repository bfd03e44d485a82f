import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../clock';
import { InvalidIdsConfigError, ObjectIdCounterExhaustedError, TimestampOutOfRangeError } from '../errors';
import { bytesToHex, uint24ToHex } from './hex';
import { OBJECT_ID_BYTES, OBJECT_ID_COUNTER_MODULUS, OBJECT_ID_PROCESS_RANDOM_BYTES } from './object-id-layout';

/** Source of random bytes; returns exactly `size` fresh bytes. */
export type RandomBytes = (size: number) => Uint8Array;

/** Options of {@link ObjectIdGenerator}. */
export interface ObjectIdGeneratorOptions {
  /** Wall clock in ms. Default `Date.now`. */
  readonly clock?: Clock;
  /** Randomness for the per-process value and the counter's start. Default `node:crypto`. */
  readonly randomBytes?: RandomBytes;
}

const MAX_SECONDS = 0xffffffff;

/**
 * Generates MongoDB-compatible ObjectIds. Create one per process (the 5 random bytes are
 * the process's identity); ids from one generator are unique as long as fewer than 2^24 are
 * made within one second, which it enforces with `ObjectIdCounterExhaustedError`.
 */
export class ObjectIdGenerator {
  /** The per-process random value (5 bytes) embedded in every id, as 10 hex characters. */
  readonly processRandomHex: string;
  private readonly processRandom: Uint8Array;
  private readonly clock: Clock;
  /** Counter value the next id will carry. */
  private nextCounter: number;
  /** Counter value of the id being built by the current call. */
  private counter = 0;
  private currentSecond = -1;
  private issuedThisSecond = 0;
  // Hex of bytes [0, 9) for the current second: they change once per second, so the hot
  // path only formats the 3 counter bytes.
  private prefixHex = '';

  constructor(options: ObjectIdGeneratorOptions = {}) {
    const random = options.randomBytes ?? cryptoRandomBytes;
    this.clock = options.clock ?? systemClock;
    this.processRandom = takeRandom(random, OBJECT_ID_PROCESS_RANDOM_BYTES);
    this.processRandomHex = bytesToHex(this.processRandom);
    const start = takeRandom(random, 3);
    this.nextCounter = (start[0] << 16) | (start[1] << 8) | start[2];
  }

  /**
   * The next id as 12 bytes of its own (a `Buffer`, carved from Node's shared allocation
   * pool because allocating a tiny typed array costs more than building the id).
   */
  nextBytes(): Uint8Array {
    const seconds = this.advance();
    const bytes = Buffer.allocUnsafe(OBJECT_ID_BYTES);
    bytes[0] = seconds >>> 24;
    bytes[1] = seconds >>> 16;
    bytes[2] = seconds >>> 8;
    bytes[3] = seconds;
    bytes.set(this.processRandom, 4);
    const counter = this.counter;
    bytes[9] = counter >>> 16;
    bytes[10] = counter >>> 8;
    bytes[11] = counter;
    return bytes;
  }

  /** The next id as 24 lowercase hex characters (MongoDB's `toHexString()` form). */
  nextHex(): string {
    const seconds = this.advance();
    return this.prefix(seconds) + uint24ToHex(this.counter);
  }

  // Claims the next counter value (into `this.counter`) and returns the id's second.
  private advance(): number {
    const seconds = Math.floor(this.clock() / 1000);
    if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
      throw new TimestampOutOfRangeError(`ObjectId seconds must be in 0..2^32-1, got ${seconds}`);
    }
    if (seconds !== this.currentSecond) {
      this.currentSecond = seconds;
      this.issuedThisSecond = 0;
      this.prefixHex = '';
    }
    if (this.issuedThisSecond >= OBJECT_ID_COUNTER_MODULUS) {
      throw new ObjectIdCounterExhaustedError(
        `more than ${OBJECT_ID_COUNTER_MODULUS} ObjectIds requested in second ${seconds}; the counter would repeat`,
      );
    }
    this.issuedThisSecond += 1;
    this.counter = this.nextCounter;
    this.nextCounter = (this.nextCounter + 1) % OBJECT_ID_COUNTER_MODULUS;
    return seconds;
  }

  private prefix(seconds: number): string {
    if (this.prefixHex === '') {
      this.prefixHex = uint32ToHex(seconds) + this.processRandomHex;
    }
    return this.prefixHex;
  }
}

function uint32ToHex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function takeRandom(random: RandomBytes, size: number): Uint8Array {
  const bytes = random(size);
  if (bytes.length !== size) {
    throw new InvalidIdsConfigError(`randomBytes(${size}) returned ${bytes.length} bytes`);
  }
  return Uint8Array.from(bytes);
}
