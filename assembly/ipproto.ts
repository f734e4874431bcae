// IP protocol number → next decoder, shared by IPv4, IPv6 and reassembled fragments; what none
// decodes is counted once here.

import { Ctr, count } from "./counters";
import { Next } from "./layers";
import { flag, F_UNSUPPORTED } from "./packet";

export const PROTO_ICMP4: u32 = 1;
export const PROTO_IPIP: u32 = 4;
export const PROTO_TCP: u32 = 6;
export const PROTO_UDP: u32 = 17;
export const PROTO_IPV6: u32 = 41;
export const PROTO_ICMP6: u32 = 58;
export const PROTO_NONE: u32 = 59; // IPv6 "no next header"

function nextForProto(p: u32): Next {
  switch (p) {
    case PROTO_TCP: return Next.TCP;
    case PROTO_UDP: return Next.UDP;
    case PROTO_ICMP4: return Next.ICMP4;
    case PROTO_ICMP6: return Next.ICMP6;
    case PROTO_IPIP: return Next.IPV4;
    case PROTO_IPV6: return Next.IPV6;
    default: return Next.DONE;
  }
}

/** The decoder for what an IP header (after reassembly) carries; DONE, counted, when none is. */
export function nextAfterIp(p: u32): Next {
  const next = nextForProto(p);
  if (next == Next.DONE) {
    count(Ctr.IP_UNSUPPORTED);
    flag(F_UNSUPPORTED);
  }
  return next;
}
