// ICMP (RFC 792) and ICMPv6 (RFC 4443): type and code, recorded in the L4 slot's port fields
// as Zeek does for its connection records. Quoted packets inside errors are not decoded.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +---------------+---------------+-------------------------------+
// |     Type      |     Code      |          Checksum             |
// +---------------+---------------+-------------------------------+
// |                     Rest of header (4)                        |
// +---------------------------------------------------------------+

import { Ctr, count } from "./counters";
import { Next, cur, remaining, stop } from "./layers";
import { setPayload } from "./payload";
import { pushL4, F_TRUNC, F_TOO_DEEP } from "./packet";
import { PROTO_ICMP4, PROTO_ICMP6 } from "./ipproto";

function decodeIcmpCommon(proto: u32, seen: Ctr, trunc: Ctr): Next {
  count(seen);
  if (remaining() < 4) return stop(trunc, F_TRUNC);
  if (pushL4(<u8>proto, <u16>load<u8>(cur), <u16>load<u8>(cur + 1)) == 0) return stop(Ctr.LAYERS_TOO_DEEP, F_TOO_DEEP);
  setPayload(8); // Zeek counts an ICMP message's bytes past its 8-byte header
  return Next.DONE;
}

export function decodeIcmp4(): Next {
  return decodeIcmpCommon(PROTO_ICMP4, Ctr.ICMP4, Ctr.ICMP4_TRUNC);
}

export function decodeIcmp6(): Next {
  return decodeIcmpCommon(PROTO_ICMP6, Ctr.ICMP6, Ctr.ICMP6_TRUNC);
}
