// IPv4 (RFC 791).
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-------+-------+---------------+-------------------------------+
// |Version|  IHL  |Type of Service|          Total Length         |
// +-------+-------+---------------+-----+-------------------------+
// |         Identification        |Flags|      Fragment Offset    |
// +---------------+---------------+-----+-------------------------+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +---------------+---------------+-------------------------------+
// |                       Source Address                          |
// +---------------------------------------------------------------+
// |                    Destination Address                        |
// +---------------------------------------------------------------+
// |                    Options (IHL > 5)                          |
// +---------------------------------------------------------------+
// A total length beyond the captured bytes is recorded as it is and decoding goes on with what
// is there: truncation by the snap length or by a mirror session's PacketLength (inside a
// tunnel) is counted as trunc, a length no capture explains as malformed, as tshark does.

import { be16, storeMapped4 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, end, setCursor, clipEnd, setIpDeclaredEnd, remaining, stop, beyondCapture } from "./layers";
import { nextAfterIp } from "./ipproto";
import { ipFragment, FAMILY4 } from "./frag";
import {
  pushIp, F_TRUNC, F_MALFORMED, F_TOO_DEEP,
  IP_SRC, IP_DST, IP_FAMILY, IP_PROTO, IP_ID, IP_LEN,
} from "./packet";

@inline const MIN_HDR: usize = 20;
@inline const MF: u32 = 0x2000;
@inline const OFFSET_MASK: u32 = 0x1fff;

export function decodeIpv4(): Next {
  count(Ctr.IPV4);
  const avail = remaining();
  if (avail < MIN_HDR) return stop(Ctr.IPV4_TRUNC, F_TRUNC);
  const p = cur;
  const vihl = <u32>load<u8>(p);
  const hlen = <usize>((vihl & 0x0f) << 2);
  if ((vihl >> 4) != 4 || hlen < MIN_HDR) return stop(Ctr.IPV4_MALFORMED, F_MALFORMED);
  if (avail < hlen) return stop(Ctr.IPV4_TRUNC, F_TRUNC);
  const total = <usize>be16(p + 2);
  if (total < hlen) return stop(Ctr.IPV4_MALFORMED, F_MALFORMED);
  const l = pushIp();
  if (l == 0) return stop(Ctr.LAYERS_TOO_DEEP, F_TOO_DEEP);
  const proto = <u32>load<u8>(p + 9);
  storeMapped4(l + IP_SRC, p + 12);
  storeMapped4(l + IP_DST, p + 16);
  store<u8>(l + IP_FAMILY, 4);
  store<u8>(l + IP_PROTO, <u8>proto);
  store<u32>(l + IP_ID, be16(p + 4));
  store<u32>(l + IP_LEN, <u32>total);
  if (hlen > MIN_HDR) count(Ctr.IPV4_OPTS);

  if (total > avail) beyondCapture(Ctr.IPV4_TRUNC, Ctr.IPV4_TRUNC_TUNNEL, Ctr.IPV4_MALFORMED, false);
  else clipEnd(p + total); // drop Ethernet padding
  setIpDeclaredEnd(p + total);

  const fo = be16(p + 6);
  if ((fo & (MF | OFFSET_MASK)) != 0) {
    count(Ctr.FRAG4);
    if (!ipFragment(FAMILY4, l, p, hlen, total, be16(p + 4), proto, <u32>(fo & OFFSET_MASK) << 3, (fo & MF) != 0)) {
      return Next.DONE;
    }
  } else {
    setCursor(p + hlen, end);
  }
  return nextAfterIp(proto);
}
