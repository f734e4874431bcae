// The output region: finished connection records (copies of flow records) waiting for the host.
// Bounded; the batch loop stops before it (or the events region) can overflow, and resumes after
// the host drains them.

import { FL_SIZE } from "./flow";
import { eventsFree, EV_RESERVE } from "./events";

@inline const OUT_CAP: u32 = 8192;
/** Room always kept free when a packet starts: one eviction, one active timeout, one tunnel. */
@inline const OUT_RESERVE: u32 = 4;

let base: usize = 0;
let used: u32 = 0;

export function outputInit(): void {
  base = heap.alloc(<usize>OUT_CAP * FL_SIZE);
}

/** Whether there is room for what finishing a record, or processing a packet, may write. */
@inline export function outputRoom(): bool {
  return OUT_CAP - used > OUT_RESERVE && eventsFree() > EV_RESERVE;
}

export function emit(flow: usize): void {
  memory.copy(base + <usize>used * FL_SIZE, flow, FL_SIZE);
  used++;
}

export function outputPtr(): usize {
  return base;
}

export function outputCount(): u32 {
  return used;
}

export function outputClear(): void {
  used = 0;
}
