// All live allocations, indexed by 5-tuple, with the per-user and total counts the quotas need
// (RFC 8656 §7.2: 486 Allocation Quota Reached; 508 Insufficient Capacity).
import type { Socket } from "node:dgram";
import { addressGroup } from "./address-group.ts";
import type { Allocation } from "./allocation.ts";
import type { ClientLink } from "./client-link.ts";

/** An allocation together with its sockets: the relay socket, and the link to its client (UDP socket or TCP connection). */
export interface LiveAllocation {
  readonly allocation: Allocation;
  readonly relay: Socket;
  readonly control: ClientLink;
  /** Last time a relay-usage record was emitted (throttles inspector records). */
  lastUsageRecordAt: number;
}

export class AllocationStore {
  readonly byFiveTuple = new Map<string, LiveAllocation>();
  /** 5-tuples whose Allocate is binding a relay socket right now (retransmits are dropped meanwhile). */
  readonly pending = new Set<string>();
  /** Relay ports in use, to skip them and to recognise our own relayed addresses as peers. */
  readonly relayPorts = new Set<number>();
  readonly #perUser = new Map<string, number>();
  /** Allocations per client address group (address-group.ts), pending ones included. */
  readonly #perAddress = new Map<string, number>();
  /** Relay socket -> its allocation, for packets arriving from peers. */
  readonly #byRelay = new Map<Socket, LiveAllocation>();

  byRelaySocket(socket: Socket): LiveAllocation | undefined {
    return this.#byRelay.get(socket);
  }

  get size(): number {
    return this.byFiveTuple.size;
  }

  countForUser(userId: string): number {
    return this.#perUser.get(userId) ?? 0;
  }

  /** Allocations (pending included) held from this client address's group. */
  countForAddress(clientAddress: string): number {
    return this.#perAddress.get(addressGroup(clientAddress)) ?? 0;
  }

  /** Pending allocations count toward quotas too, so a burst cannot overshoot them. */
  reserve(tupleKey: string, userId: string, clientAddress: string): void {
    this.pending.add(tupleKey);
    this.#perUser.set(userId, this.countForUser(userId) + 1);
    const group = addressGroup(clientAddress);
    this.#perAddress.set(group, (this.#perAddress.get(group) ?? 0) + 1);
  }

  /** Undo reserve() when the Allocate failed. */
  release(tupleKey: string, userId: string, clientAddress: string): void {
    this.pending.delete(tupleKey);
    this.#decrement(userId, clientAddress);
  }

  #closed = false;

  /** Remove everything and refuse later commits (the server is closing). */
  closeAll(): void {
    this.#closed = true;
    for (const key of [...this.byFiveTuple.keys()]) this.remove(key);
  }

  /**
   * Turn a reservation into a live allocation. Returns false (and closes the relay socket) when the
   * server closed while the relay socket was being bound.
   */
  commit(tupleKey: string, live: LiveAllocation): boolean {
    this.pending.delete(tupleKey);
    if (this.#closed) {
      this.#decrement(live.allocation.auth.userId, live.allocation.fiveTuple.client.address);
      live.relay.close();
      return false;
    }
    this.byFiveTuple.set(tupleKey, live);
    this.#byRelay.set(live.relay, live);
    this.relayPorts.add(live.allocation.relayedAddress.port);
    return true;
  }

  get totalIncludingPending(): number {
    return this.byFiveTuple.size + this.pending.size;
  }

  /** Remove and close; returns the removed allocation, if there was one. */
  remove(tupleKey: string): LiveAllocation | undefined {
    const live = this.byFiveTuple.get(tupleKey);
    if (!live) return undefined;
    this.byFiveTuple.delete(tupleKey);
    this.#byRelay.delete(live.relay);
    this.relayPorts.delete(live.allocation.relayedAddress.port);
    this.#decrement(live.allocation.auth.userId, live.allocation.fiveTuple.client.address);
    try {
      live.relay.close();
    } catch {
      // already closed (server shutting down)
    }
    return live;
  }

  #decrement(userId: string, clientAddress: string): void {
    const n = this.countForUser(userId) - 1;
    if (n > 0) this.#perUser.set(userId, n);
    else this.#perUser.delete(userId);
    const group = addressGroup(clientAddress);
    const m = (this.#perAddress.get(group) ?? 0) - 1;
    if (m > 0) this.#perAddress.set(group, m);
    else this.#perAddress.delete(group);
  }
}
