// IP protocol number → next decoder, shared by IPv4, IPv6 and reassembled fragments.

import { Next } from "./layers";

export const PROTO_ICMP4: u32 = 1;
export const PROTO_IPIP: u32 = 4;
export const PROTO_TCP: u32 = 6;
export const PROTO_UDP: u32 = 17;
export const PROTO_IPV6: u32 = 41;
export const PROTO_ICMP6: u32 = 58;

export function nextForProto(p: u32): Next {
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
