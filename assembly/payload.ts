// The innermost payload of a frame: where it starts, how much was captured, how long it claims.

import { cur, end, ipDeclaredEnd } from "./layers";
import { pkt, P_PAYLOAD, P_PAYLOAD_CAP, P_PAYLOAD_LEN } from "./packet";

/** Record the payload starting hdr bytes past the cursor of the current layer. */
export function setPayload(hdr: usize): void {
  const start = cur + hdr;
  store<u32>(pkt + P_PAYLOAD, <u32>start);
  store<u32>(pkt + P_PAYLOAD_CAP, end > start ? <u32>(end - start) : 0);
  store<u32>(pkt + P_PAYLOAD_LEN, ipDeclaredEnd > start ? <u32>(ipDeclaredEnd - start) : 0);
}
