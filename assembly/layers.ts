// What a decoder hands on to: the next layer to decode, or the end of decoding. The decode loop
// (decode.ts) dispatches on it; decoders never call each other, like Zeek's packet analyzers.
// Also what they share: the cursor, and how a layer that stops or runs past the capture is counted.

import { Ctr, count } from "./counters";
import { pkt, P_CAPLEN, P_WIRELEN, nTun, flag, F_TRUNC, F_MALFORMED } from "./packet";

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

/**
 * Count a layer whose length field runs past the captured bytes. Inside a tunnel it was cut short
 * (truncInTunnel: a mirror session's PacketLength); outside, cut short (trunc) when the snap length
 * or an enclosing layer already past the capture (enclosingCut) explains it, else malformed.
 */
export function beyondCapture(trunc: Ctr, truncInTunnel: Ctr, malformed: Ctr, enclosingCut: bool): void {
  if (nTun() > 0) {
    count(truncInTunnel);
    flag(F_TRUNC);
  } else if (enclosingCut || load<u32>(pkt + P_CAPLEN) < load<u32>(pkt + P_WIRELEN)) {
    count(trunc);
    flag(F_TRUNC);
  } else {
    count(malformed);
    flag(F_MALFORMED);
  }
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
