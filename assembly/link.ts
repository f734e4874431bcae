// Link-layer headers other than Ethernet: BSD NULL/LOOP, raw IP, Linux cooked capture v1 and v2.
//
// NULL (0) / LOOP (108): 4-byte address family, host order (NULL) or network order (LOOP).
// Linux SLL (113), 16 bytes:            Linux SLL2 (276), 20 bytes:
// +---------------+---------------+     +---------------+---------------+
// |  packet type  |  ARPHRD type  |     | protocol type |   reserved    |
// +---------------+---------------+     +---------------+---------------+
// | address length|               |     |        interface index        |
// +---------------+               +     +---------------+-------+-------+
// |      link-layer address       |     |  ARPHRD type  |pkttype|addrlen|
// |           (8 bytes)           |     +---------------+-------+-------+
// +               +---------------+     |      link-layer address       |
// |               | protocol type |     |           (8 bytes)           |
// +---------------+---------------+     +-------------------------------+

import { be16, be32 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, advance, remaining, stop } from "./layers";
import { nextAfterEthertype } from "./ethertype";
import { F_TRUNC, F_UNSUPPORTED } from "./packet";

export const LINK_NULL: u32 = 0;
export const LINK_ETHERNET: u32 = 1;
export const LINK_RAW_OLD: u32 = 12;
export const LINK_RAW_OPENBSD: u32 = 14;
export const LINK_RAW: u32 = 101;
export const LINK_LOOP: u32 = 108;
export const LINK_SLL: u32 = 113;
export const LINK_IPV4: u32 = 228;
export const LINK_IPV6: u32 = 229;
export const LINK_SLL2: u32 = 276;

function unsupported(): Next {
  return stop(Ctr.LINK_UNSUPPORTED, F_UNSUPPORTED);
}

function truncated(): Next {
  return stop(Ctr.LINK_TRUNC, F_TRUNC);
}

/** AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS). */
function nextForFamily(af: u32): Next {
  if (af == 2) return Next.IPV4;
  if (af == 10 || af == 24 || af == 28 || af == 30) return Next.IPV6;
  return unsupported();
}

function rawIp(): Next {
  count(Ctr.LINK_RAW);
  if (remaining() < 1) return truncated();
  const v = <u32>load<u8>(cur) >> 4;
  if (v == 4) return Next.IPV4;
  if (v == 6) return Next.IPV6;
  return unsupported();
}

/** Decode the link header of a frame with the given link type; returns the first layer after it. */
export function decodeLink(linkType: u32): Next {
  switch (linkType) {
    case LINK_ETHERNET: return Next.ETHERNET;
    case LINK_NULL: {
      count(Ctr.LINK_NULL);
      if (remaining() < 4) return truncated();
      let af = load<u32>(cur);
      if (af > 0xffff) af = bswap<u32>(af); // written in the other host order
      advance(4);
      return nextForFamily(af);
    }
    case LINK_LOOP: {
      count(Ctr.LINK_NULL);
      if (remaining() < 4) return truncated();
      const af = be32(cur);
      advance(4);
      return nextForFamily(af);
    }
    case LINK_RAW:
    case LINK_RAW_OLD:
    case LINK_RAW_OPENBSD:
    case LINK_IPV4:
    case LINK_IPV6: return rawIp();
    case LINK_SLL: {
      count(Ctr.LINK_SLL);
      if (remaining() < 16) return truncated();
      const t = be16(cur + 14);
      advance(16);
      return nextAfterEthertype(t, Ctr.LINK_UNSUPPORTED);
    }
    case LINK_SLL2: {
      count(Ctr.LINK_SLL2);
      if (remaining() < 20) return truncated();
      const t = be16(cur);
      advance(20);
      return nextAfterEthertype(t, Ctr.LINK_UNSUPPORTED);
    }
    default: return unsupported();
  }
}
