import type { Message } from '@raft/raft-core';
import { describeMessage } from './describe-message';

/** Kinds of events worth seeing when a run fails. */
export type TraceKind = 'deliver' | 'crash' | 'restart' | 'partition' | 'heal' | 'net' | 'leader' | 'client' | 'membership';

/** One recorded event; formatted only when printed, so recording stays cheap. */
export interface TraceEvent {
  readonly tick: number;
  readonly kind: TraceKind;
  readonly message?: Message;
  readonly text?: string;
}

/** Formats one event, e.g. `t=120 deliver n1→n2 heartbeat t3 commit=7 seq=40`. */
export function formatEvent(e: TraceEvent): string {
  const body = e.message ? describeMessage(e.message) : (e.text ?? '');
  return `t=${e.tick} ${e.kind} ${body}`;
}

/**
 * Keeps the last `capacity` events in a ring for failure reports, a rolling digest of
 * every event (so two runs can be compared cheaply), and optionally the whole trace.
 */
export class TraceRecorder {
  private readonly ring: (TraceEvent | undefined)[];
  private next = 0;
  private count = 0;
  private hash = 0x811c9dc5;
  private readonly full: string[] | null;

  constructor(
    capacity: number,
    recordFull: boolean,
  ) {
    this.ring = new Array<TraceEvent | undefined>(Math.max(1, capacity));
    this.full = recordFull ? [] : null;
  }

  record(event: TraceEvent): void {
    this.ring[this.next] = event;
    this.next = (this.next + 1) % this.ring.length;
    this.count++;
    this.mix(event);
    if (this.full) this.full.push(formatEvent(event));
  }

  /** The last events, oldest first, formatted one per line. */
  tail(): string[] {
    const n = Math.min(this.count, this.ring.length);
    const out: string[] = [];
    for (let k = n; k > 0; k--) {
      const e = this.ring[(this.next - k + this.ring.length) % this.ring.length];
      if (e) out.push(formatEvent(e));
    }
    return out;
  }

  /** Every event formatted (only when constructed with `recordFull`). */
  fullTrace(): readonly string[] {
    if (!this.full) throw new Error('full trace recording is off');
    return this.full;
  }

  /** FNV-1a digest over every event so far (hex). Equal digests ⇒ (almost surely) equal traces. */
  digest(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0');
  }

  /** Total events recorded. */
  size(): number {
    return this.count;
  }

  private mix(e: TraceEvent): void {
    this.mixNumber(e.tick);
    this.mixString(e.kind);
    if (e.message) {
      const m = e.message;
      this.mixString(m.type);
      this.mixString(m.from);
      this.mixString(m.to);
      this.mixNumber(m.term);
      if (m.type === 'app') {
        this.mixNumber(m.prevIndex);
        this.mixNumber(m.entries.length);
        this.mixNumber(m.commit);
      }
    }
    if (e.text) this.mixString(e.text);
  }

  private mixNumber(x: number): void {
    this.hash = Math.imul(this.hash ^ (x | 0), 0x01000193);
  }

  private mixString(s: string): void {
    for (let i = 0; i < s.length; i++) this.hash = Math.imul(this.hash ^ s.charCodeAt(i), 0x01000193);
  }
}
