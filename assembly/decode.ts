// The decode loop: from the link header down to the innermost transport header, through any
// stack of VLAN tags and VXLAN/GENEVE tunnels. Each step hands the next layer's kind back. No
// input can make it spin: every decoder but Ethernet takes a slot of a bounded kind (MAX_VLAN
// tags, MAX_IP and MAX_L4 headers, MAX_TUNNELS tunnels; each limit counted) or ends the frame, and
// Ethernet follows only the link header or a tunnel, so a frame takes at most 28 steps.

import { Ctr, count, countN } from "./counters";
import { Next, setCursor, resetLayers } from "./layers";
import { decodeLink } from "./link";
import { decodeEthernet } from "./ethernet";
import { decodeVlan } from "./vlan";
import { decodeIpv4 } from "./ipv4";
import { decodeIpv6 } from "./ipv6";
import { decodeTcp } from "./tcp";
import { decodeUdp } from "./udp";
import { decodeIcmp4, decodeIcmp6 } from "./icmp";
import { decodeVxlan } from "./vxlan";
import { decodeGeneve } from "./geneve";
import { packetReset } from "./packet";

/** Decode one frame of caplen bytes at p into the packet info (packet.ts). */
export function decodeFrame(p: usize, caplen: u32, wirelen: u32, linkType: u32, tsNs: u64): void {
  packetReset(tsNs, caplen, wirelen);
  resetLayers();
  setCursor(p, p + <usize>caplen);
  count(Ctr.PKTS);
  countN(Ctr.BYTES, <u64>wirelen);
  let next = decodeLink(linkType);
  while (next > Next.STOP) {
    switch (next) {
      case Next.ETHERNET: next = decodeEthernet(); break;
      case Next.VLAN: next = decodeVlan(); break;
      case Next.IPV4: next = decodeIpv4(); break;
      case Next.IPV6: next = decodeIpv6(); break;
      case Next.TCP: next = decodeTcp(); break;
      case Next.UDP: next = decodeUdp(); break;
      case Next.ICMP4: next = decodeIcmp4(); break;
      case Next.ICMP6: next = decodeIcmp6(); break;
      case Next.VXLAN: next = decodeVxlan(); break;
      case Next.GENEVE: next = decodeGeneve(); break;
      default: return;
    }
  }
}
