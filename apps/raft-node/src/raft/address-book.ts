import type { KvStateMachine } from '@raft/raft-kv';

/** Reserved KV prefix holding every member's addresses, replicated through the log. */
export const MEMBERS_PREFIX = '__cluster/members/';

/** Where a member listens. */
export interface MemberAddress {
  readonly peer: string;
  readonly http: string;
}

/** Receives address changes (the transport adds/removes peers). */
export interface AddressListener {
  set(id: string, address: MemberAddress): void;
  remove(id: string): void;
}

/**
 * Member addresses, known from the start (PEERS) and learned from the replicated prefix,
 * so a node that joins later is reachable by every member, including future leaders.
 */
export class AddressBook {
  private readonly addresses = new Map<string, MemberAddress>();

  constructor(
    private readonly selfId: string,
    initial: ReadonlyMap<string, MemberAddress>,
    private readonly listener: AddressListener,
  ) {
    for (const [id, a] of initial) this.addresses.set(id, a);
  }

  /** Follows the replicated prefix: live changes, and full rescans after snapshot restores. */
  follow(kv: KvStateMachine): void {
    kv.watch.watch(MEMBERS_PREFIX, kv.revision(), (e) => {
      const id = e.key.slice(MEMBERS_PREFIX.length);
      if (e.type === 'put' && e.value !== undefined) this.learn(id, e.value);
      else if (e.type === 'delete') this.forget(id);
    });
    const rescan = (): void => {
      for (const [key, kvp] of kv.store.range(MEMBERS_PREFIX)) this.learn(key.slice(MEMBERS_PREFIX.length), kvp.value);
    };
    kv.onRestored(rescan);
    rescan();
  }

  get(id: string): MemberAddress | undefined {
    return this.addresses.get(id);
  }

  all(): Record<string, MemberAddress> {
    return Object.fromEntries(this.addresses);
  }

  private learn(id: string, raw: string): void {
    try {
      const a = JSON.parse(raw) as MemberAddress;
      if (typeof a.peer !== 'string' || typeof a.http !== 'string') return;
      this.addresses.set(id, a);
      if (id !== this.selfId) this.listener.set(id, a);
    } catch {
      // Not written by us (the prefix is reserved, so this would be a bug); ignore it.
    }
  }

  private forget(id: string): void {
    this.addresses.delete(id);
    if (id !== this.selfId) this.listener.remove(id);
  }
}
