// TCP (RFC 9293) header.
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-------------------------------+-------------------------------+
// |          Source Port          |       Destination Port        |
// +-------------------------------+-------------------------------+
// |                        Sequence Number                        |
// +---------------------------------------------------------------+
// |                    Acknowledgment Number                      |
// +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
// |  Data |       |C|E|U|A|P|R|S|F|                               |
// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
// +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
// |           Checksum            |         Urgent Pointer        |
// +-------------------------------+-------------------------------+
// |                    Options (data offset > 5)                  |
// +---------------------------------------------------------------+
// Ports are recorded as soon as 4 bytes are there, so a header cut by the snap length still
// names its flow (tshark shows them too).

import { be16, be32 } from "./bytes";
import { Ctr, count } from "./counters";
import { Next, cur, remaining, stop } from "./layers";
import { setPayload } from "./payload";
import {
  pkt, pushL4, flag, F_TRUNC, F_MALFORMED, F_TOO_DEEP, P_TCP_SEQ, P_TCP_ACK, P_TCP_FLAGS, P_TCP_WIN,
} from "./packet";
import { PROTO_TCP } from "./ipproto";

@inline const MIN_HDR: usize = 20;

export function decodeTcp(): Next {
  count(Ctr.TCP);
  const avail = remaining();
  const p = cur;
  if (avail < 4) return stop(Ctr.TCP_TRUNC, F_TRUNC);
  if (pushL4(<u8>PROTO_TCP, <u16>be16(p), <u16>be16(p + 2)) == 0) return stop(Ctr.LAYERS_TOO_DEEP, F_TOO_DEEP);
  if (avail < MIN_HDR) return stop(Ctr.TCP_TRUNC, F_TRUNC);
  const hlen = <usize>(load<u8>(p + 12) >> 4) << 2;
  if (hlen < MIN_HDR) return stop(Ctr.TCP_MALFORMED, F_MALFORMED);
  store<u32>(pkt + P_TCP_SEQ, be32(p + 4));
  store<u32>(pkt + P_TCP_ACK, be32(p + 8));
  store<u16>(pkt + P_TCP_FLAGS, <u16>(be16(p + 12) & 0x0fff));
  store<u16>(pkt + P_TCP_WIN, <u16>be16(p + 14));
  if (avail < hlen) {
    count(Ctr.TCP_TRUNC); // options cut off: the flags and numbers above are still good
    flag(F_TRUNC);
  }
  setPayload(hlen);
  return Next.DONE;
}
