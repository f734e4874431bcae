// Bookkeeping shared by the tunnel decoders: record a tunnel (kind, VNI, which IP and UDP layers
// carried it) and enforce the nesting limit.

import { Ctr, count } from "./counters";
import {
  pkt, P_NTUN, P_TUN_KIND, P_TUN_IP, P_TUN_L4, P_TUN_VNI, MAX_TUNNELS, nTun, nIp, nL4, flag, F_TOO_DEEP,
} from "./packet";

/** Record a tunnel; false (counted) when it would exceed MAX_TUNNELS. */
export function pushTunnel(kind: u8, vni: u32): bool {
  const n = nTun();
  if (n >= MAX_TUNNELS) {
    count(Ctr.TUNNEL_TOO_DEEP);
    flag(F_TOO_DEEP);
    return false;
  }
  store<u8>(pkt + P_TUN_KIND + n, kind);
  store<u8>(pkt + P_TUN_IP + n, <u8>(nIp() - 1));
  store<u8>(pkt + P_TUN_L4 + n, <u8>(nL4() - 1));
  store<u32>(pkt + P_TUN_VNI + (n << 2), vni);
  store<u8>(pkt + P_NTUN, <u8>(n + 1));
  return true;
}
