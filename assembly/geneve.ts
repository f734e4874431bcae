// GENEVE (RFC 8926): UDP port 6081, used by AWS Gateway Load Balancer. Options are skipped.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +---+-----------+-+-+-----------+-------------------------------+
// |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
// +---+-----------+-+-+-----------+---------------+---------------+
// |        Virtual Network Identifier (VNI)       |    Reserved   |
// +-----------------------------------------------+---------------+
// |                  Variable-Length Options (Opt Len * 4 bytes)  |
// +---------------------------------------------------------------+

import { be16, be24 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, advance, remaining, stop } from "./layers";
import { pushTunnel } from "./tunnel";
import { ETYPE_TEB, nextForEthertype } from "./ethertype";
import { F_TRUNC, F_UNSUPPORTED, TUN_GENEVE } from "./packet";

@inline const HDR: usize = 8;

export function decodeGeneve(): Next {
  count(Ctr.GENEVE);
  if (remaining() < HDR) return stop(Ctr.GENEVE_TRUNC, F_TRUNC);
  const b0 = <u32>load<u8>(cur);
  if ((b0 >> 6) != 0) return stop(Ctr.GENEVE_UNSUPPORTED, F_UNSUPPORTED); // only version 0 is defined
  const hlen = HDR + (<usize>(b0 & 0x3f) << 2);
  if (remaining() < hlen) return stop(Ctr.GENEVE_TRUNC, F_TRUNC);
  const ptype = be16(cur + 2);
  const next = ptype == ETYPE_TEB ? Next.ETHERNET : nextForEthertype(ptype);
  if (next == Next.STOP || next == Next.VLAN) return stop(Ctr.GENEVE_UNSUPPORTED, F_UNSUPPORTED);
  if (!pushTunnel(TUN_GENEVE, be24(cur + 4))) return Next.STOP;
  advance(hlen);
  return next;
}
