// Ethernet II.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +---------------------------------------------------------------+
// |                 Destination MAC (6 bytes)                     |
// +                               +-------------------------------+
// |                               |                               |
// +-------------------------------+     Source MAC (6 bytes)      +
// |                                                               |
// +-------------------------------+-------------------------------+
// |           EtherType           |
// +-------------------------------+
// A type below 0x0600 is an 802.3 length (LLC/SNAP follows): not decoded, counted unsupported.

import { be16 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, advance, remaining, stop } from "./layers";
import { nextAfterEthertype } from "./ethertype";
import { pkt, P_NETH, P_ETH_TYPE, MAX_ETH, F_TRUNC } from "./packet";

@inline const ETH_HDR: usize = 14;

export function decodeEthernet(): Next {
  count(Ctr.ETH);
  if (remaining() < ETH_HDR) return stop(Ctr.ETH_TRUNC, F_TRUNC);
  const t = be16(cur + 12);
  const n = <i32>load<u8>(pkt + P_NETH);
  if (n < MAX_ETH) {
    store<u16>(pkt + P_ETH_TYPE + (n << 1), <u16>t);
    store<u8>(pkt + P_NETH, <u8>(n + 1));
  }
  advance(ETH_HDR);
  return nextAfterEthertype(t, Ctr.ETH_UNSUPPORTED);
}
