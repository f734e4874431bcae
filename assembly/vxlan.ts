// VXLAN (RFC 7348), as AWS VPC Traffic Mirroring sends it: UDP to port 4789, the VNI naming the
// mirror session, an Ethernet frame inside.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-----------------------------------------------+
// |R|R|R|R|I|R|R|R|                  Reserved                     |
// +-+-+-+-+-+-+-+-+-------------------------------+---------------+
// |       VXLAN Network Identifier (VNI)          |   Reserved    |
// +-----------------------------------------------+---------------+
// The I flag must be set for the VNI to be valid; without it the header is counted malformed.

import { be24 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, advance, remaining, stop } from "./layers";
import { pushTunnel } from "./tunnel";
import { flag, F_TRUNC, F_MALFORMED, TUN_VXLAN } from "./packet";

@inline const HDR: usize = 8;
@inline const FLAG_I: u8 = 0x08;

export function decodeVxlan(): Next {
  count(Ctr.VXLAN);
  if (remaining() < HDR) return stop(Ctr.VXLAN_TRUNC, F_TRUNC);
  if ((load<u8>(cur) & FLAG_I) == 0) return stop(Ctr.VXLAN_MALFORMED, F_MALFORMED);
  if (!pushTunnel(TUN_VXLAN, be24(cur + 4))) return Next.STOP;
  advance(HDR);
  return Next.ETHERNET;
}
