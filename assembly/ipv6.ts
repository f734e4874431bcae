// IPv6 (RFC 8200) and its extension headers.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-------+---------------+---------------------------------------+
// |Version| Traffic Class |              Flow Label               |
// +-------+---------------+-------+---------------+---------------+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-------------------------------+---------------+---------------+
// |                  Source Address (16 bytes)                    |
// |                Destination Address (16 bytes)                 |
// +---------------------------------------------------------------+
// Extension headers walked (at most MAX_EXT): hop-by-hop (0), routing (43), fragment (44),
// destination options (60), mobility (135), HIP (139), shim6 (140): (len + 1) * 8 bytes;
// AH (51): (len + 2) * 4 bytes. ESP (50) hides what follows; no next header (59) ends the packet.
// Fragment header: next header, reserved, offset (13 bits) | res (2) | M (1), identification (32).

import { be16, be32, copy16 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, end, setCursor, clipEnd, setIpDeclaredEnd, remaining, stop, beyondCapture } from "./layers";
import { nextAfterIp, PROTO_NONE } from "./ipproto";
import { ipFragment, FAMILY6 } from "./frag";
import {
  pushIp, F_TRUNC, F_MALFORMED, F_TOO_DEEP,
  IP_SRC, IP_DST, IP_FAMILY, IP_PROTO, IP_ID, IP_LEN,
} from "./packet";

@inline const HDR: usize = 40;
@inline const MAX_EXT: i32 = 8;

function truncated(): Next {
  return stop(Ctr.IPV6_TRUNC, F_TRUNC);
}

export function decodeIpv6(): Next {
  count(Ctr.IPV6);
  const avail = remaining();
  if (avail < HDR) return truncated();
  const p = cur;
  if ((<u32>load<u8>(p) >> 4) != 6) return stop(Ctr.IPV6_MALFORMED, F_MALFORMED);
  const l = pushIp();
  if (l == 0) return stop(Ctr.LAYERS_TOO_DEEP, F_TOO_DEEP);
  const plen = <usize>be16(p + 4);
  copy16(l + IP_SRC, p + 8);
  copy16(l + IP_DST, p + 24);
  store<u8>(l + IP_FAMILY, 6);
  store<u32>(l + IP_ID, 0);
  // A payload length of 0 announces a jumbogram (hop-by-hop option); take what was captured.
  const total = plen == 0 ? avail : HDR + plen;
  store<u32>(l + IP_LEN, <u32>total);
  if (total > avail) beyondCapture(Ctr.IPV6_TRUNC, Ctr.IPV6_TRUNC_TUNNEL, Ctr.IPV6_MALFORMED, false);
  else clipEnd(p + total);
  setIpDeclaredEnd(p + total);

  let nh = <u32>load<u8>(p + 6);
  let q = p + HDR;
  let fragAt: usize = 0;
  for (let i = 0; ; i++) {
    if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 135 && nh != 139 && nh != 140 && nh != 51) break;
    if (i >= MAX_EXT) {
      store<u8>(l + IP_PROTO, <u8>nh);
      return stop(Ctr.IPV6_EXTHDR_TOO_MANY, F_TOO_DEEP);
    }
    count(Ctr.IPV6_EXTHDRS);
    if (q + 8 > end) {
      store<u8>(l + IP_PROTO, <u8>nh);
      return truncated();
    }
    let len: usize;
    if (nh == 44) {
      len = 8;
      fragAt = q;
    } else if (nh == 51) {
      len = (<usize>load<u8>(q + 1) + 2) << 2;
    } else {
      len = (<usize>load<u8>(q + 1) + 1) << 3;
    }
    if (q + len > end) {
      store<u8>(l + IP_PROTO, <u8>nh);
      return truncated();
    }
    nh = <u32>load<u8>(q);
    q += len;
    if (fragAt != 0) break; // what follows the fragment header is fragment data
  }
  store<u8>(l + IP_PROTO, <u8>nh);

  if (fragAt != 0) {
    count(Ctr.FRAG6);
    const fo = be16(fragAt + 2);
    const id = be32(fragAt + 4);
    store<u32>(l + IP_ID, id);
    const offset = <u32>(fo & 0xfff8);
    const more = (fo & 1) != 0;
    if (offset == 0 && !more) {
      setCursor(q, end); // an atomic fragment (RFC 6946): a whole datagram
    } else if (!ipFragment(FAMILY6, l, p, q - p, total, id, nh, offset, more)) {
      return Next.DONE;
    }
  } else {
    setCursor(q, end);
  }
  return nh == PROTO_NONE ? Next.DONE : nextAfterIp(nh);
}
