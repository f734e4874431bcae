// The output region: finished connection records (copies of flow records) waiting for the host.
// Bounded; the batch loop stops before it can overflow and resumes after the host drains it.

import { FL_SIZE, FL_END } from "./flow";

@inline const OUT_CAP: u32 = 8192;
/** Room always kept free when a packet starts: one eviction, one active timeout, one tunnel. */
@inline export const OUT_RESERVE: u32 = 4;

let base: usize = 0;
let used: u32 = 0;

export function outputInit(): void {
  base = heap.alloc(<usize>OUT_CAP * FL_SIZE);
}

@inline export function outputFree(): u32 {
  return OUT_CAP - used;
}

export function emit(flow: usize, reason: u8): void {
  const dst = base + <usize>used * FL_SIZE;
  memory.copy(dst, flow, FL_SIZE);
  store<u8>(dst + FL_END, reason);
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
