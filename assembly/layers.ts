// What a decoder hands on to: the next layer to decode, or the end of decoding. The decode loop
// (decode.ts) dispatches on it; decoders never call each other, like Zeek's packet analyzers.

import { Ctr, count } from "./counters";
import { flag } from "./packet";

export const enum Next {
  DONE,      // reached a layer with nothing below it that we decode
  STOP,      // stopped early: the packet flags say why (trunc, malformed, unsupported, too deep)
  ETHERNET,
  VLAN,
  IPV4,
  IPV6,
  TCP,
  UDP,
  ICMP4,
  ICMP6,
  VXLAN,
  GENEVE,
}

/** Where the layer being decoded starts and where the captured bytes of its packet end. */
export let cur: usize = 0;
export let end: usize = 0;
/** Where the innermost IP datagram ends according to its own length field (may exceed end). */
export let ipDeclaredEnd: usize = 0;

/** Stop decoding this frame: count why (counter) and flag the packet (F_TRUNC, F_MALFORMED, ...). */
export function stop(c: Ctr, f: u32): Next {
  count(c);
  flag(f);
  return Next.STOP;
}

@inline export function setCursor(p: usize, e: usize): void {
  cur = p;
  end = e;
}

@inline export function advance(n: usize): void {
  cur += n;
}

@inline export function clipEnd(e: usize): void {
  if (e < end) end = e;
}

@inline export function setIpDeclaredEnd(e: usize): void {
  ipDeclaredEnd = e;
}

@inline export function resetLayers(): void {
  ipDeclaredEnd = 0;
}

@inline export function remaining(): usize {
  return end > cur ? end - cur : 0;
}
