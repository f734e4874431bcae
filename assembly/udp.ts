// UDP (RFC 768), and the hand-off to UDP tunnels by port (configured from the host).
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-------------------------------+-------------------------------+
// |          Source Port          |       Destination Port        |
// +-------------------------------+-------------------------------+
// |            Length             |           Checksum            |
// +-------------------------------+-------------------------------+

import { be16 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, end, advance, clipEnd, remaining, setIpDeclaredEnd, ipDeclaredEnd, stop, beyondCapture } from "./layers";
import { setPayload } from "./payload";
import { pushL4, L4_PAYLOAD, F_TRUNC, F_MALFORMED, F_TOO_DEEP } from "./packet";
import { PROTO_UDP } from "./ipproto";

@inline const HDR: usize = 8;

let vxlanPort: u32 = 4789;
let genevePort: u32 = 6081;

/** UDP ports that carry VXLAN and GENEVE; 0 turns a tunnel off. */
export function configureTunnelPorts(vxlan: u32, geneve: u32): void {
  vxlanPort = vxlan;
  genevePort = geneve;
}

function tunnelFor(port: u32): Next {
  if (port == 0) return Next.DONE;
  if (port == vxlanPort) return Next.VXLAN;
  if (port == genevePort) return Next.GENEVE;
  return Next.DONE;
}

export function decodeUdp(): Next {
  count(Ctr.UDP);
  const avail = remaining();
  const p = cur;
  if (avail < 4) return stop(Ctr.UDP_TRUNC, F_TRUNC);
  const sport = be16(p);
  const dport = be16(p + 2);
  const l = pushL4(<u8>PROTO_UDP, <u16>sport, <u16>dport);
  if (l == 0) return stop(Ctr.LAYERS_TOO_DEEP, F_TOO_DEEP);
  if (avail < HDR) return stop(Ctr.UDP_TRUNC, F_TRUNC);
  const ulen = <usize>be16(p + 4);
  if (ulen < HDR) return stop(Ctr.UDP_MALFORMED, F_MALFORMED);
  // the IP datagram itself running past the capture (ipDeclaredEnd > end) cut the UDP short
  if (ulen > avail) beyondCapture(Ctr.UDP_TRUNC, Ctr.UDP_TRUNC, Ctr.UDP_MALFORMED, ipDeclaredEnd > end);
  else clipEnd(p + ulen);
  store<u16>(l + L4_PAYLOAD, <u16>(ulen - HDR));
  if (p + ulen < ipDeclaredEnd) setIpDeclaredEnd(p + ulen);
  setPayload(HDR);
  let t = tunnelFor(dport);
  if (t == Next.DONE) t = tunnelFor(sport);
  if (t != Next.DONE) advance(HDR);
  return t;
}
