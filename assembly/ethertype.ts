// EtherType → next decoder: the one table shared by Ethernet, VLAN, Linux SLL/SLL2 and GENEVE.

import { Ctr } from "./counters";
import { Next, stop } from "./layers";
import { F_UNSUPPORTED } from "./packet";

export const ETYPE_IPV4: u32 = 0x0800;
export const ETYPE_IPV6: u32 = 0x86dd;
export const ETYPE_VLAN: u32 = 0x8100;
export const ETYPE_QINQ: u32 = 0x88a8;
export const ETYPE_QINQ_OLD: u32 = 0x9100;
export const ETYPE_TEB: u32 = 0x6558; // transparent Ethernet bridging (GENEVE, GRE)

export function nextForEthertype(t: u32): Next {
  switch (t) {
    case ETYPE_IPV4: return Next.IPV4;
    case ETYPE_IPV6: return Next.IPV6;
    case ETYPE_VLAN:
    case ETYPE_QINQ:
    case ETYPE_QINQ_OLD: return Next.VLAN;
    default: return Next.STOP;
  }
}

/** The decoder for EtherType t; when there is none, STOP counted under `unsupported`. */
export function nextAfterEthertype(t: u32, unsupported: Ctr): Next {
  const next = nextForEthertype(t);
  return next == Next.STOP ? stop(unsupported, F_UNSUPPORTED) : next;
}
