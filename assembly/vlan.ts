// IEEE 802.1Q and 802.1ad tags, at any depth up to MAX_VLAN.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-----+-+-----------------------+-------------------------------+
// | PCP |D|      VLAN ID (12)     |        inner EtherType        |
// +-----+-+-----------------------+-------------------------------+
// (the tag protocol identifier, 0x8100 / 0x88a8 / 0x9100, was the type field before it)

import { be16 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, advance, remaining, stop } from "./layers";
import { nextAfterEthertype } from "./ethertype";
import { pkt, P_NVLAN, P_VLAN_ID, MAX_VLAN, F_TRUNC, F_TOO_DEEP } from "./packet";

@inline const VLAN_HDR: usize = 4;

export function decodeVlan(): Next {
  count(Ctr.VLAN);
  if (remaining() < VLAN_HDR) return stop(Ctr.VLAN_TRUNC, F_TRUNC);
  const n = <i32>load<u8>(pkt + P_NVLAN);
  if (n >= MAX_VLAN) return stop(Ctr.VLAN_TOO_DEEP, F_TOO_DEEP);
  store<u16>(pkt + P_VLAN_ID + (n << 1), <u16>(be16(cur) & 0x0fff));
  store<u8>(pkt + P_NVLAN, <u8>(n + 1));
  const t = be16(cur + 2);
  advance(VLAN_HDR);
  return nextAfterEthertype(t, Ctr.ETH_UNSUPPORTED);
}
