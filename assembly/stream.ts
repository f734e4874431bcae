// TCP stream reassembly for the application layer, as a sliding window: a direction's bytes go
// to its parser in order, straight from the packet when they arrive in order and the parser
// takes them whole (the common case: no copy, no buffer). A buffer from a fixed pool holds what
// the parser could not take yet (a header block cut across segments) and segments that arrived
// early, up to WINDOW bytes past what was consumed; it goes back to the pool once empty.
// Overlapping bytes keep the copy that arrived first, so the same segments in any order give
// the same stream. Bytes never captured (a lost segment, a snap length cut) are a gap: the
// stream stops there, counted, never guessed over.
//
// Buffer layout: header (SB_*), MAX_SEG intervals of held bytes [start, end) relative to the
// buffer's first byte (the direction's consumed offset), sorted and disjoint, then WINDOW bytes.

import { Ctr, count } from "./counters";

@inline const SB_NEXT_FREE: usize = 0; // u32 free-list link (index + 1)
@inline const SB_NINT: usize = 4;      // u32 intervals in use
@inline const SB_INTERVALS: usize = 8;
@inline const MAX_SEG: u32 = 16;
@inline const SB_DATA: usize = (SB_INTERVALS + (<usize>MAX_SEG << 3) + 63) & ~<usize>63;

let pool: usize = 0;
let entrySize: usize = 0;
let window: u32 = 0;
let freeHead: u32 = 0;

/** `buffers` buffers of `bytes` each. */
export function streamsInit(buffers: u32, bytes: u32): void {
  window = bytes;
  entrySize = (SB_DATA + <usize>bytes + 63) & ~<usize>63;
  pool = heap.alloc(<usize>buffers * entrySize);
  freeHead = 0;
  for (let i: u32 = buffers; i > 0; i--) {
    store<u32>(pool + <usize>(i - 1) * entrySize + SB_NEXT_FREE, freeHead);
    freeHead = i;
  }
}

@inline export function streamWindow(): u32 {
  return window;
}

@inline export function streamBuf(idx1: u32): usize {
  return pool + <usize>(idx1 - 1) * entrySize;
}

@inline export function streamData(b: usize): usize {
  return b + SB_DATA;
}

/** An empty buffer (index + 1), or 0 when the pool is empty (counted). */
export function streamAlloc(): u32 {
  const idx1 = freeHead;
  if (idx1 == 0) {
    count(Ctr.STREAM_NO_BUFFER);
    return 0;
  }
  const b = streamBuf(idx1);
  freeHead = load<u32>(b + SB_NEXT_FREE);
  store<u32>(b + SB_NINT, 0);
  count(Ctr.STREAM_BUFFERS);
  return idx1;
}

/** Return a buffer; bytes it held past a hole that never filled are a gap. */
export function streamFree(idx1: u32): void {
  const b = streamBuf(idx1);
  const n = load<u32>(b + SB_NINT);
  if (n > 1 || (n == 1 && load<u32>(b + SB_INTERVALS) != 0)) count(Ctr.STREAM_GAP);
  store<u32>(b + SB_NEXT_FREE, freeHead);
  freeHead = idx1;
}

/** Bytes held in order from the buffer's start. */
export function streamContig(b: usize): u32 {
  return load<u32>(b + SB_NINT) > 0 && load<u32>(b + SB_INTERVALS) == 0 ? load<u32>(b + SB_INTERVALS + 4) : 0;
}

@inline export function streamEmpty(b: usize): bool {
  return load<u32>(b + SB_NINT) == 0;
}

/**
 * Hold `len` bytes at ptr that belong `at` bytes past the buffer's start, as many of them as fall
 * inside the window: returns how many that is (the caller decides about the rest), or 0 when
 * none could be held.
 */
export function streamHold(b: usize, at: u64, ptr: usize, len: u32): u32 {
  if (at >= <u64>window) return 0;
  const start = <u32>at;
  const n = len < window - start ? len : window - start;
  if (start > streamContig(b)) count(Ctr.STREAM_OUT_OF_ORDER);
  return insert(b, start, start + n, ptr) ? n : 0;
}

/** Drop the first n bytes (the parser consumed them): the rest moves to the front. */
export function streamConsume(b: usize, n: u32): void {
  if (n == 0) return;
  const ints = b + SB_INTERVALS;
  let cnt = load<u32>(b + SB_NINT);
  let keepFrom: u32 = 0;
  let last: u32 = 0;
  for (let i: u32 = 0; i < cnt; i++) {
    const s = load<u32>(ints + (<usize>i << 3));
    const e = load<u32>(ints + (<usize>i << 3) + 4);
    if (e <= n) {
      keepFrom = i + 1;
      continue;
    }
    store<u32>(ints + (<usize>i << 3), s > n ? s - n : 0);
    store<u32>(ints + (<usize>i << 3) + 4, e - n);
    if (e > last) last = e;
  }
  if (keepFrom > 0) {
    memory.copy(ints, ints + (<usize>keepFrom << 3), <usize>(cnt - keepFrom) << 3);
    cnt -= keepFrom;
    store<u32>(b + SB_NINT, cnt);
  }
  if (last > n) memory.copy(b + SB_DATA, b + SB_DATA + <usize>n, <usize>(last - n));
}

/** Copy the bytes of [start, end) not yet held (first copy wins) and merge the intervals. */
function insert(b: usize, start: u32, end: u32, ptr: usize): bool {
  if (end <= start) return false;
  const ints = b + SB_INTERVALS;
  let n = load<u32>(b + SB_NINT);
  // intervals [i, j) touch or overlap [start, end)
  let i: u32 = 0;
  while (i < n && load<u32>(ints + (<usize>i << 3) + 4) < start) i++;
  let j = i;
  while (j < n && load<u32>(ints + (<usize>j << 3)) <= end) j++;
  if (j == i && n >= MAX_SEG) {
    count(Ctr.STREAM_TOO_MANY_SEGMENTS);
    return false;
  }
  let pos = start;
  let overlap = false;
  for (let k = i; k < j && pos < end; k++) {
    const s = load<u32>(ints + (<usize>k << 3));
    const e = load<u32>(ints + (<usize>k << 3) + 4);
    if (s > pos) memory.copy(b + SB_DATA + <usize>pos, ptr + <usize>(pos - start), <usize>((s < end ? s : end) - pos));
    if (e > pos && s < end) overlap = true;
    if (e > pos) pos = e;
  }
  if (pos < end) memory.copy(b + SB_DATA + <usize>pos, ptr + <usize>(pos - start), <usize>(end - pos));
  if (overlap) count(Ctr.STREAM_OVERLAP);
  let ms = start;
  let me = end;
  if (j > i) {
    const s0 = load<u32>(ints + (<usize>i << 3));
    const e1 = load<u32>(ints + (<usize>(j - 1) << 3) + 4);
    if (s0 < ms) ms = s0;
    if (e1 > me) me = e1;
  }
  const removed = j - i;
  if (removed == 0) {
    memory.copy(ints + (<usize>(i + 1) << 3), ints + (<usize>i << 3), <usize>(n - i) << 3);
    n++;
  } else if (removed > 1) {
    memory.copy(ints + (<usize>(i + 1) << 3), ints + (<usize>j << 3), <usize>(n - j) << 3);
    n -= removed - 1;
  }
  store<u32>(ints + (<usize>i << 3), ms);
  store<u32>(ints + (<usize>i << 3) + 4, me);
  store<u32>(b + SB_NINT, n);
  return true;
}
