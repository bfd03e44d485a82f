import {
  ClientSessions,
  type CapturedState,
  type Entry,
  type SessionSnapshot,
  type SessionsSnapshot,
  type SessionsView,
  type SnapshotReader,
  type SnapshotWriter,
} from '@raft/raft-core';
import { decodeCommand, requestKey, type KvCommand, type KvResult } from './commands';
import { KvStore, type KeyValue, type StoreView } from './kv-store';
import { frameRecord, RecordReader } from './snapshot-codec';
import { WatchHub, type ChangeEvent } from './watch-hub';

/** Options every replica must share (they affect deterministic decisions). */
export interface KvStateMachineOptions {
  /** Change events retained for watchers that start in the past. */
  readonly watchHistory?: number;
  /** Client sessions idle for longer than this (leader time, ms) are forgotten. */
  readonly sessionTtlMs?: number;
  /** Results remembered per client for duplicate detection. */
  readonly resultsPerClient?: number;
  /** Sessions remembered at most (least recently used evicted). */
  readonly maxSessions?: number;
}

const SNAPSHOT_BATCH = 512;

/** Key layout of ordered streams (chat conversations) inside the KV. */
export const streamKeys = {
  prefix: (stream: string): string => `stream/${stream}/`,
  seq: (stream: string): string => `stream/${stream}/seq`,
  message: (stream: string, seq: number): string => `stream/${stream}/m/${String(seq).padStart(12, '0')}`,
  dedup: (stream: string, sender: string, clientMsgId: string): string => `stream/${stream}/d/${sender}\u0000${clientMsgId}`,
};

/** What a stream message key holds (JSON). */
export interface StreamMessage {
  readonly stream: string;
  readonly seq: number;
  readonly msgId: string;
  readonly sender: string;
  readonly clientMsgId: string;
  readonly body: string;
  readonly ts: number;
  /** KV revision at which the message was committed. */
  readonly revision: number;
}

/**
 * Snapshot layout (v2): a header record; then the client sessions, in batches, in their
 * least-recently-used order; then the keys, in batches, in the store's insertion order.
 * (v1, still read: the sessions inside the header, then the keys.)
 */
async function writeRecords(writer: SnapshotWriter, header: Uint8Array, sessions: SessionsView<KvResult>, view: StoreView): Promise<void> {
  await writer.write(header);
  let sessionBatch: SessionSnapshot<KvResult>[] = [];
  for (const session of sessions.entries()) {
    sessionBatch.push(session);
    if (sessionBatch.length === SNAPSHOT_BATCH) {
      await writer.write(frameRecord(sessionBatch));
      sessionBatch = [];
    }
  }
  if (sessionBatch.length > 0) await writer.write(frameRecord(sessionBatch));
  let batch: [string, string, number, number, number][] = [];
  for (const [k, kv] of view.entries()) {
    batch.push([k, kv.value, kv.createRevision, kv.modRevision, kv.version]);
    if (batch.length === SNAPSHOT_BATCH) {
      await writer.write(frameRecord(batch));
      batch = [];
    }
  }
  if (batch.length > 0) await writer.write(frameRecord(batch));
}

type SnapshotHeader = SnapshotHeaderV1 | SnapshotHeaderV2;

interface SnapshotHeaderV1 {
  readonly v: 1;
  readonly revision: number;
  readonly keys: number;
  readonly sessions: SessionsSnapshot<KvResult>;
}

interface SnapshotHeaderV2 {
  readonly v: 2;
  readonly revision: number;
  readonly keys: number;
  /** Session records follow the header: `count` sessions in batches. */
  readonly sessions: { readonly lastIndex: number; readonly clock: number | null; readonly count: number };
}

/**
 * The KV replicated state machine: put, delete, compare-and-set and increment with a global
 * revision, exactly-once execution through client sessions, and a change stream. Commands
 * that are valid Raft entries but invalid for the KV (e.g. incr of a non-number) are
 * *applied* as rejections, so every replica stays in lockstep.
 */
export class KvStateMachine {
  readonly store = new KvStore();
  readonly watch: WatchHub;
  private sessions: ClientSessions<KvResult>;
  private readonly restoreListeners = new Set<() => void>();

  constructor(private readonly options: KvStateMachineOptions = {}) {
    this.watch = new WatchHub(options.watchHistory ?? 10_000);
    this.sessions = new ClientSessions<KvResult>(this.sessionOptions());
  }

  private sessionOptions(): ConstructorParameters<typeof ClientSessions>[0] {
    return {
      ttlMs: this.options.sessionTtlMs ?? 60 * 60 * 1000,
      maxResultsPerClient: this.options.resultsPerClient ?? 128,
      maxSessions: this.options.maxSessions ?? 100_000,
    };
  }

  /** Called after the state was replaced by a snapshot (watch history does not cover that). */
  onRestored(listener: () => void): () => void {
    this.restoreListeners.add(listener);
    return () => this.restoreListeners.delete(listener);
  }

  get(key: string): KeyValue | undefined {
    return this.store.get(key);
  }

  revision(): number {
    return this.store.revision;
  }

  /** Live client sessions (for metrics and tests). */
  sessionCount(): number {
    return this.sessions.size;
  }

  apply(entry: Entry): { key: string | null; result: KvResult } {
    let cmd: KvCommand;
    try {
      cmd = decodeCommand(entry.data);
    } catch (e) {
      return { key: null, result: { op: 'rejected', error: (e as Error).message, revision: this.store.revision } };
    }
    if (cmd.untracked === true) {
      // Still moves the sessions' clock and index, exactly as on every other replica.
      this.sessions.advance(entry.index, cmd.ts);
      return { key: requestKey(cmd), result: this.execute(cmd) };
    }
    const outcome = this.sessions.apply(
      { clientId: cmd.clientId, requestId: cmd.requestId, logIndex: entry.index, timestamp: cmd.ts },
      () => this.execute(cmd),
    );
    const key = requestKey(cmd);
    switch (outcome.kind) {
      case 'executed':
        return { key, result: outcome.result };
      case 'duplicate':
        // A retried append is answered from the session cache; say so, as the API promises.
        return { key, result: outcome.result.op === 'append' ? { ...outcome.result, duplicate: true } : outcome.result };
      case 'invalid':
        return { key, result: { op: 'rejected', error: outcome.reason, revision: this.store.revision } };
      case 'session-expired':
      case 'stale':
        return { key, result: { op: 'expired', revision: this.store.revision } };
    }
  }

  private execute(cmd: KvCommand): KvResult {
    const s = this.store;
    switch (cmd.op) {
      case 'put': {
        const ev = s.put(cmd.key, cmd.value);
        this.publish(ev);
        return ev.prevValue === undefined ? { op: 'put', revision: ev.revision } : { op: 'put', revision: ev.revision, prev: ev.prevValue };
      }
      case 'del': {
        const ev = s.delete(cmd.key);
        if (ev) this.publish(ev);
        return { op: 'del', revision: s.revision, deleted: ev !== null };
      }
      case 'cas': {
        const cur = s.get(cmd.key);
        const matches = cmd.expect === null ? cur === undefined : cur?.value === cmd.expect;
        if (!matches) {
          return cur === undefined
            ? { op: 'cas', succeeded: false, revision: s.revision }
            : { op: 'cas', succeeded: false, revision: s.revision, current: cur.value };
        }
        const ev = s.put(cmd.key, cmd.value);
        this.publish(ev);
        return { op: 'cas', succeeded: true, revision: ev.revision };
      }
      case 'append':
        return this.append(cmd);
      case 'incr': {
        const cur = s.get(cmd.key);
        const base = cur === undefined ? 0 : Number(cur.value);
        if (cur !== undefined && !/^-?\d+$/.test(cur.value)) {
          return { op: 'rejected', error: `value of ${cmd.key} is not an integer`, revision: s.revision };
        }
        const value = base + cmd.delta;
        if (!Number.isSafeInteger(value)) return { op: 'rejected', error: 'integer overflow', revision: s.revision };
        const ev = s.put(cmd.key, String(value));
        this.publish(ev);
        return { op: 'incr', value, revision: ev.revision };
      }
    }
  }

  /**
   * Stream append. Deduplication by (sender, clientMsgId) is kept forever in the KV itself,
   * independent of client sessions, because chat clients may retry long after a session
   * would have expired. The message key is written last so a watcher that sees it finds
   * the sequence counter already updated.
   */
  private append(cmd: Extract<KvCommand, { op: 'append' }>): KvResult {
    const s = this.store;
    const dedupKey = streamKeys.dedup(cmd.key, cmd.sender, cmd.clientMsgId);
    const seen = s.get(dedupKey);
    if (seen) {
      const original = JSON.parse(s.get(streamKeys.message(cmd.key, Number(seen.value)))!.value) as StreamMessage;
      return { op: 'append', stream: cmd.key, seq: original.seq, msgId: original.msgId, revision: s.revision, ts: original.ts, duplicate: true };
    }
    const seq = Number(s.get(streamKeys.seq(cmd.key))?.value ?? '0') + 1;
    this.publish(s.put(streamKeys.seq(cmd.key), String(seq)));
    this.publish(s.put(dedupKey, String(seq)));
    // The message put is the next change, so its revision is known before writing it.
    const msg: StreamMessage = { stream: cmd.key, seq, msgId: cmd.msgId, sender: cmd.sender, clientMsgId: cmd.clientMsgId, body: cmd.body, ts: cmd.ts, revision: s.revision + 1 };
    const ev = s.put(streamKeys.message(cmd.key, seq), JSON.stringify(msg));
    this.publish(ev);
    return { op: 'append', stream: cmd.key, seq, msgId: cmd.msgId, revision: ev.revision, ts: cmd.ts, duplicate: false };
  }

  private publish(ev: ChangeEvent): void {
    this.watch.publish(ev);
  }

  /**
   * Captures the state as of the last applied entry, cheaply and synchronously (the key
   * list and the session list; values and sessions that change meanwhile are preserved
   * copy-on-write), so that it can be written while `apply` goes on. Release the capture
   * when done with it.
   * @throws SnapshotViewError if another capture is still open.
   */
  captureSnapshot(): CapturedState {
    const view = this.store.capture();
    let sessions: SessionsView<KvResult>;
    try {
      sessions = this.sessions.capture();
    } catch (e) {
      view.release();
      throw e;
    }
    const header: SnapshotHeaderV2 = {
      v: 2,
      revision: view.revision,
      keys: view.size,
      sessions: { lastIndex: sessions.lastIndex, clock: sessions.clock, count: sessions.size },
    };
    const encodedHeader = frameRecord(header);
    return {
      write: (writer) => writeRecords(writer, encodedHeader, sessions, view),
      release: () => {
        sessions.release();
        view.release();
      },
    };
  }

  /** Captures and writes the current state in one go (see {@link captureSnapshot}). */
  async writeSnapshot(writer: SnapshotWriter): Promise<void> {
    const snapshot = this.captureSnapshot();
    try {
      await snapshot.write(writer);
    } finally {
      snapshot.release();
    }
  }

  /** Replaces the state with a snapshot's (or empties it when there is none). */
  async restore(reader: SnapshotReader | null): Promise<void> {
    this.store.clear();
    this.sessions = new ClientSessions<KvResult>(this.sessionOptions());
    if (!reader) {
      this.watch.resetTo(0);
      for (const l of this.restoreListeners) l();
      return;
    }
    const records = new RecordReader();
    let header: SnapshotHeader | null = null;
    const sessions: SessionSnapshot<KvResult>[] = [];
    let loaded = 0;
    for await (const chunk of reader.chunks()) {
      for (const rec of records.push(chunk)) {
        if (header === null) {
          header = rec as SnapshotHeader;
          if (header.v !== 1 && header.v !== 2) throw new Error(`unsupported KV snapshot version ${String((header as { v: unknown }).v)}`);
          continue;
        }
        if (header.v === 2 && sessions.length < header.sessions.count) {
          sessions.push(...(rec as SessionSnapshot<KvResult>[]));
          continue;
        }
        for (const [k, value, createRevision, modRevision, version] of rec as [string, string, number, number, number][]) {
          this.store.load(k, { value, createRevision, modRevision, version });
          loaded++;
        }
      }
    }
    if (header === null || !records.finished() || loaded !== header.keys || (header.v === 2 && sessions.length !== header.sessions.count)) {
      throw new Error('KV snapshot is truncated or inconsistent');
    }
    this.store.revision = header.revision;
    const sessionState: SessionsSnapshot<KvResult> =
      header.v === 1 ? header.sessions : { version: 1, lastIndex: header.sessions.lastIndex, clock: header.sessions.clock, sessions };
    this.sessions = ClientSessions.restore<KvResult>(sessionState, this.sessionOptions());
    this.watch.resetTo(header.revision);
    for (const l of this.restoreListeners) l();
  }
}
