// A bounded flow table: at most `capacity` records, found through an open-addressed index of
// twice that many slots (linear probing, backward-shift deletion, so no tombstones pile up).
// Timeouts run on capture time. Each record sits in one timeout class list in the order it was
// queued; a packet only stamps FL_ACTIVE and never moves the record (moving it would touch two
// neighbours' cache lines per packet). Expiry looks at list heads queued longer ago than the
// timeout: idle ones are finished, the others go back to the tail ("second chance"). A packet
// that finds its record idle past the timeout ends it first (endIfStale()), so records are the same
// however late the sweep comes. A full table evicts the record at the head of the longest-idle list.

import { eq16, copy16 } from "./bytes";
import { Ctr, count } from "./counters";
import {
  FL_ORIG, FL_RESP, FL_OPORT, FL_RPORT, FL_PROTO, FL_SPACE, FL_CLASS, FL_PREV, FL_NEXT, FL_HASH,
  FL_ACTIVE, FL_FIRST, FL_QUEUED, FL_SIZE,
} from "./flow";
import { tcpFinish } from "./tcp-state";
import { emit, outputRoom } from "./output";
import { appFinish } from "./app";

// Timeout classes. A class's timeout counts from the last packet (FL_ACTIVE), except for
// connection attempts, which Zeek gives up on a fixed time after the first SYN (FL_FIRST).
export const CL_TCP_ATTEMPT: u8 = 0; // a SYN with no answer yet
export const CL_TCP_OPEN: u8 = 1;
export const CL_TCP_CLOSED: u8 = 2;  // FIN or RST seen: kept briefly for the last packets
export const CL_UDP: u8 = 3;
export const CL_ICMP: u8 = 4;
export const CLASSES: i32 = 5;

export class FlowTable {
  records: usize;
  private mask: u32;
  private slots: usize;     // u32 record index + 1, 0 = empty
  private freeStack: usize; // u32 free record indexes
  private freeTop: u32;
  private heads: StaticArray<u32> = new StaticArray<u32>(CLASSES); // record index + 1
  private tails: StaticArray<u32> = new StaticArray<u32>(CLASSES);
  timeouts: StaticArray<u64> = new StaticArray<u64>(CLASSES);
  private ctrEvicted: Ctr;
  private ctrExpired: Ctr;
  /** Set by find(): whether the packet came from the record's originator. */
  fromOrig: bool = true;

  constructor(capacity: u32, ctrExpired: Ctr, ctrEvicted: Ctr) {
    let slots: u32 = 16;
    while (slots < capacity * 2) slots <<= 1;
    this.mask = slots - 1;
    this.records = (heap.alloc(<usize>capacity * FL_SIZE + 127) + 127) & ~<usize>127; // whole cache lines
    this.slots = heap.alloc(<usize>slots << 2);
    memory.fill(this.slots, 0, <usize>slots << 2);
    this.freeStack = heap.alloc(<usize>capacity << 2);
    for (let i: u32 = 0; i < capacity; i++) store<u32>(this.freeStack + (<usize>i << 2), capacity - 1 - i);
    this.freeTop = capacity;
    this.ctrExpired = ctrExpired;
    this.ctrEvicted = ctrEvicted;
  }

  @inline rec(idx1: u32): usize {
    return this.records + <usize>(idx1 - 1) * FL_SIZE;
  }

  /** The record (index + 1) for this key in either direction, or 0; sets fromOrig. */
  find(h: u64, proto: u8, space: u32, src: usize, sport: u16, dst: usize, dport: u16): u32 {
    let i = <u32>h & this.mask;
    while (true) {
      const idx1 = load<u32>(this.slots + (<usize>i << 2));
      if (idx1 == 0) return 0;
      const f = this.rec(idx1);
      if (load<u64>(f + FL_HASH) == h && load<u8>(f + FL_PROTO) == proto && load<u32>(f + FL_SPACE) == space) {
        if (load<u16>(f + FL_OPORT) == sport && load<u16>(f + FL_RPORT) == dport &&
            eq16(f + FL_ORIG, src) && eq16(f + FL_RESP, dst)) {
          this.fromOrig = true;
          return idx1;
        }
        if (load<u16>(f + FL_OPORT) == dport && load<u16>(f + FL_RPORT) == sport &&
            eq16(f + FL_ORIG, dst) && eq16(f + FL_RESP, src)) {
          this.fromOrig = false;
          return idx1;
        }
      }
      i = (i + 1) & this.mask;
    }
  }

  /** A new zeroed record with its key set (orig → resp), in class cls, queued at now; evicts when full. */
  create(h: u64, proto: u8, space: u32, orig: usize, oport: u16, resp: usize, rport: u16, cls: u8, now: u64): u32 {
    if (this.freeTop == 0) this.evictStalest();
    this.freeTop--;
    const idx1 = load<u32>(this.freeStack + (<usize>this.freeTop << 2)) + 1;
    const f = this.rec(idx1);
    memory.fill(f, 0, FL_SIZE);
    copy16(f + FL_ORIG, orig);
    copy16(f + FL_RESP, resp);
    store<u16>(f + FL_OPORT, oport);
    store<u16>(f + FL_RPORT, rport);
    store<u8>(f + FL_PROTO, proto);
    store<u32>(f + FL_SPACE, space);
    store<u64>(f + FL_HASH, h);
    let i = <u32>h & this.mask;
    while (load<u32>(this.slots + (<usize>i << 2)) != 0) i = (i + 1) & this.mask;
    store<u32>(this.slots + (<usize>i << 2), idx1);
    store<u8>(f + FL_CLASS, cls);
    this.append(idx1, cls, now);
    return idx1;
  }

  /** After a packet: a record whose timeout class changed joins the tail of its new list. */
  setClass(idx1: u32, cls: u8, now: u64): void {
    const f = this.rec(idx1);
    if (load<u8>(f + FL_CLASS) == cls) return;
    this.unlink(idx1);
    store<u8>(f + FL_CLASS, cls);
    this.append(idx1, cls, now);
  }

  /** End a record idle past its timeout, as the sweep would have (counted as expired); whether it was. */
  endIfStale(idx1: u32, now: u64): bool {
    if (!this.stale(idx1, now)) return false;
    this.endIdle(idx1);
    return true;
  }

  /** Whether a record has been idle past its class's timeout (connection attempts: since the first SYN). */
  private stale(idx1: u32, now: u64): bool {
    const f = this.rec(idx1);
    const cls = load<u8>(f + FL_CLASS);
    const since = load<u64>(f + (cls == CL_TCP_ATTEMPT ? FL_FIRST : FL_ACTIVE));
    return now >= since && now - since >= unchecked(this.timeouts[cls]);
  }

  /** Write out and forget a record. */
  finish(idx1: u32): void {
    const f = this.rec(idx1);
    appFinish(f);
    tcpFinish(f);
    emit(f);
    this.remove(idx1);
  }

  /** Finish records idle for longer than their class's timeout; false if the output filled up. */
  expire(now: u64): bool {
    for (let c = 0; c < CLASSES; c++) {
      const timeout = unchecked(this.timeouts[c]);
      while (true) {
        const idx1 = unchecked(this.heads[c]);
        if (idx1 == 0) break;
        const queued = load<u64>(this.rec(idx1) + FL_QUEUED);
        if (now < queued || now - queued < timeout) break;
        if (!this.stale(idx1, now)) {
          this.unlink(idx1); // active since it was queued: a second chance at the tail
          this.append(idx1, <u8>c, now);
          continue;
        }
        if (!outputRoom()) return false;
        this.endIdle(idx1);
      }
    }
    return true;
  }

  /** Finish every record, while the output has room; true when the table is empty. */
  flush(ctr: Ctr): bool {
    for (let c = 0; c < CLASSES; c++) {
      while (true) {
        const idx1 = unchecked(this.heads[c]);
        if (idx1 == 0) break;
        if (!outputRoom()) return false;
        count(ctr);
        this.finish(idx1);
      }
    }
    return true;
  }

  private endIdle(idx1: u32): void {
    count(this.ctrExpired);
    this.finish(idx1);
  }

  private evictStalest(): void {
    let victim: u32 = 0;
    let oldest: u64 = u64.MAX_VALUE;
    for (let c = 0; c < CLASSES; c++) {
      const idx1 = unchecked(this.heads[c]);
      if (idx1 != 0 && load<u64>(this.rec(idx1) + FL_ACTIVE) < oldest) {
        oldest = load<u64>(this.rec(idx1) + FL_ACTIVE);
        victim = idx1;
      }
    }
    count(this.ctrEvicted);
    this.finish(victim);
  }

  private remove(idx1: u32): void {
    const f = this.rec(idx1);
    this.unlink(idx1);
    let i = <u32>load<u64>(f + FL_HASH) & this.mask;
    while (load<u32>(this.slots + (<usize>i << 2)) != idx1) i = (i + 1) & this.mask;
    // backward-shift deletion: pull later members of the probe run into the hole
    let j = i;
    while (true) {
      j = (j + 1) & this.mask;
      const m = load<u32>(this.slots + (<usize>j << 2));
      if (m == 0) break;
      const home = <u32>load<u64>(this.rec(m) + FL_HASH) & this.mask;
      const between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (between) continue;
      store<u32>(this.slots + (<usize>i << 2), m);
      i = j;
    }
    store<u32>(this.slots + (<usize>i << 2), 0);
    store<u32>(this.freeStack + (<usize>this.freeTop << 2), idx1 - 1);
    this.freeTop++;
  }

  private append(idx1: u32, cls: u8, now: u64): void {
    const f = this.rec(idx1);
    store<u64>(f + FL_QUEUED, now);
    const tail = unchecked(this.tails[cls]);
    store<u32>(f + FL_PREV, tail);
    store<u32>(f + FL_NEXT, 0);
    if (tail != 0) store<u32>(this.rec(tail) + FL_NEXT, idx1);
    else unchecked(this.heads[cls] = idx1);
    unchecked(this.tails[cls] = idx1);
  }

  private unlink(idx1: u32): void {
    const f = this.rec(idx1);
    const cls = load<u8>(f + FL_CLASS);
    const prev = load<u32>(f + FL_PREV);
    const next = load<u32>(f + FL_NEXT);
    if (prev != 0) store<u32>(this.rec(prev) + FL_NEXT, next);
    else unchecked(this.heads[cls] = next);
    if (next != 0) store<u32>(this.rec(next) + FL_PREV, prev);
    else unchecked(this.tails[cls] = prev);
  }
}
