// Zeek's connection history string: one letter per event kind, upper case for the originator,
// lower case for the responder. A, D, I, Q are recorded once per direction; S, H, F, R again
// when their sequence number changes (tcp-state.ts); T, W, G at the 1st, 10th, 100th ...
// occurrence (Zeek's ScaledHistoryEntry); ^ when the roles were flipped.

import { FL_HIST, FL_HIST_LEN, FL_HIST_SEEN, HIST_MAX } from "./flow";

// Bits in FL_HIST_SEEN, as Zeek's TCP_Endpoint HIST_* masks (responder: shifted left 16)
export const H_SYN: u32 = 0x01;
export const H_FIN: u32 = 0x02;
export const H_RST: u32 = 0x04;
export const H_FIN_RST: u32 = 0x08;
export const H_DATA: u32 = 0x10;
export const H_ACK: u32 = 0x20;
export const H_MULTI: u32 = 0x40;

export const L_FLIP: u8 = 0x5e; // ^

export function historyAppend(f: usize, c: u8): void {
  const n = <usize>load<u8>(f + FL_HIST_LEN);
  if (n >= HIST_MAX) return;
  store<u8>(f + FL_HIST + n, c);
  store<u8>(f + FL_HIST_LEN, <u8>(n + 1));
}

@inline function letter(c: u8, orig: bool): u8 {
  return orig ? c : c | 0x20;
}

/** Zeek's CheckHistory: the first time, record the letter and return false; after that, true. */
export function historyCheck(f: usize, bit: u32, c: u8, orig: bool): bool {
  const mask = orig ? bit : bit << 16;
  const seen = load<u32>(f + FL_HIST_SEEN);
  if ((seen & mask) != 0) return true;
  store<u32>(f + FL_HIST_SEEN, seen | mask);
  historyAppend(f, letter(c, orig));
  return false;
}

/** Append the letter when the counter (u32 at ctr) reaches 1, 10, 100, ... */
export function historyScaled(f: usize, ctr: usize, c: u8, orig: bool): void {
  const n = load<u32>(ctr) + 1;
  store<u32>(ctr, n);
  let threshold: u32 = 1;
  while (threshold < n && threshold <= 100_000_000) threshold *= 10;
  if (threshold == n) historyAppend(f, letter(c, orig));
}

/** Append the letter for this side without any once-only rule. */
export function historyAdd(f: usize, c: u8, orig: bool): void {
  historyAppend(f, letter(c, orig));
}
