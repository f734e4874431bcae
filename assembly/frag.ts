// IPv4 and IPv6 fragment reassembly, bounded: MAX_SLOTS datagrams in progress, each at most
// 65535 bytes, each forgotten FRAG_TIMEOUT_NS of capture time after its first fragment. Coverage
// is a bitmap of 8-byte blocks; a datagram is complete when its last fragment has set the total
// and every block below it is covered. Overlapping data is counted; the later copy wins. A full
// table evicts its oldest datagram (counted), so a flood of fragments cannot grow memory.
// Keys include the innermost tunnel's VNI so that fragments mirrored from two sessions do not mix.
// The IPv4 and IPv6 decoders hand each fragment to ipFragment(), which moves the cursor onto a
// completed datagram.

import { eq16, copy16 } from "./bytes";
import { Ctr, count } from "./counters";
import { end, setCursor, setIpDeclaredEnd } from "./layers";
import {
  pkt, P_TS_NS, IP_SRC, IP_DST, IP_LEN, innermostVni, flag, F_MALFORMED, F_FRAGMENT, F_REASSEMBLED,
} from "./packet";

export const FAMILY4: u8 = 4;
export const FAMILY6: u8 = 6;

@inline const MAX_SLOTS: i32 = 64;
@inline const MAX_DATAGRAM: u32 = 65535;
@inline const BLOCKS: u32 = 8192;            // 65536 / 8
@inline const FRAG_TIMEOUT_NS: u64 = 30_000_000_000;

// Slot layout
@inline const S_USED: usize = 0;     // u8
@inline const S_FAMILY: usize = 1;   // u8
@inline const S_PROTO: usize = 2;    // u8
@inline const S_ID: usize = 4;       // u32
@inline const S_VNI: usize = 8;      // u32
@inline const S_TOTAL: usize = 12;   // u32, 0 until the last fragment arrives
@inline const S_FIRST_NS: usize = 16; // u64
@inline const S_SRC: usize = 24;     // 16 bytes
@inline const S_DST: usize = 40;     // 16 bytes
@inline const S_BITMAP: usize = 64;  // BLOCKS bits
@inline const S_DATA: usize = S_BITMAP + (<usize>BLOCKS >> 3);
@inline const SLOT_SIZE: usize = S_DATA + 65536 + 8;

let slots: usize = 0;
let completed: usize = 0;

export function fragInit(): void {
  slots = heap.alloc(<usize>MAX_SLOTS * SLOT_SIZE);
  for (let i = 0; i < MAX_SLOTS; i++) store<u8>(slots + <usize>i * SLOT_SIZE + S_USED, 0);
}

/**
 * The slot of this datagram, or a new one. The one pass over the table also forgets datagrams
 * whose first fragment is more than FRAG_TIMEOUT_NS older than now (a clock that went backwards
 * expires nothing).
 */
function findOrOpen(family: u8, ipl: usize, id: u32, proto: u32, vni: u32, now: u64): usize {
  let found: usize = 0;
  let free: usize = 0;
  let oldest: usize = 0;
  for (let i = 0; i < MAX_SLOTS; i++) {
    const s = slots + <usize>i * SLOT_SIZE;
    const first = load<u64>(s + S_FIRST_NS);
    if (load<u8>(s + S_USED) != 0 && now > first && now - first > FRAG_TIMEOUT_NS) {
      store<u8>(s + S_USED, 0);
      count(Ctr.FRAG_TIMEOUT);
    }
    if (load<u8>(s + S_USED) == 0) {
      if (free == 0) free = s;
    } else if (load<u32>(s + S_ID) == id && load<u8>(s + S_FAMILY) == family && load<u32>(s + S_VNI) == vni &&
        load<u8>(s + S_PROTO) == <u8>proto && eq16(s + S_SRC, ipl + IP_SRC) && eq16(s + S_DST, ipl + IP_DST)) {
      found = s;
    } else if (oldest == 0 || first < load<u64>(oldest + S_FIRST_NS)) {
      oldest = s;
    }
  }
  if (found != 0) return found;
  if (free == 0) {
    count(Ctr.FRAG_NO_SLOT);
    free = oldest;
  }
  const s = free;
  store<u8>(s + S_USED, 1);
  store<u8>(s + S_FAMILY, family);
  store<u8>(s + S_PROTO, <u8>proto);
  store<u32>(s + S_ID, id);
  store<u32>(s + S_VNI, vni);
  store<u32>(s + S_TOTAL, 0);
  store<u64>(s + S_FIRST_NS, now);
  copy16(s + S_SRC, ipl + IP_SRC);
  copy16(s + S_DST, ipl + IP_DST);
  memory.fill(s + S_BITMAP, 0, <usize>BLOCKS >> 3);
  return s;
}

function complete(s: usize, total: u32): bool {
  const nblocks = (total + 7) >> 3;
  const words = nblocks >> 6;
  const bm = s + S_BITMAP;
  for (let w: u32 = 0; w < words; w++) {
    if (load<u64>(bm + (<usize>w << 3)) != 0xffffffffffffffff) return false;
  }
  const rest = nblocks & 63;
  if (rest == 0) return true;
  const mask: u64 = (<u64>1 << rest) - 1;
  return (load<u64>(bm + (<usize>words << 3)) & mask) == mask;
}

/**
 * Add one fragment (offset and length in bytes of the datagram's payload). Returns the payload
 * length of the datagram when this fragment completes it (bytes at completed + S_DATA), else -1.
 */
function reassemble(family: u8, ipl: usize, id: u32, proto: u32, offset: u32, more: bool,
  data: usize, len: u32): i32 {
  const fragEnd = offset + len;
  if (fragEnd > MAX_DATAGRAM) {
    count(Ctr.FRAG_TOO_BIG);
    flag(F_MALFORMED);
    return -1;
  }
  if (more && (len & 7) != 0) count(Ctr.FRAG_MALFORMED); // RFC 791 wants 8-byte multiples; tshark takes it
  const s = findOrOpen(family, ipl, id, proto, innermostVni(), load<u64>(pkt + P_TS_NS));
  let total = load<u32>(s + S_TOTAL);
  if (!more) {
    if (total != 0 && total != fragEnd) {
      count(Ctr.FRAG_MALFORMED);
      flag(F_MALFORMED);
    } else {
      total = fragEnd;
      store<u32>(s + S_TOTAL, total);
    }
  } else if (total != 0 && fragEnd > total) {
    count(Ctr.FRAG_MALFORMED); // data past the end the last fragment announced
    flag(F_MALFORMED);
  }
  const first = offset >> 3;
  const last = more ? fragEnd >> 3 : (fragEnd + 7) >> 3; // exclusive
  const bm = s + S_BITMAP;
  let overlap = false;
  for (let b = first; b < last && b < BLOCKS; b++) {
    const byte = bm + (<usize>b >> 3);
    const bit = <u8>(1 << <u8>(b & 7));
    const v = load<u8>(byte);
    if ((v & bit) != 0) overlap = true;
    store<u8>(byte, v | bit);
  }
  if (overlap) count(Ctr.FRAG_OVERLAP);
  memory.copy(s + S_DATA + <usize>offset, data, <usize>len);
  if (total == 0 || !complete(s, total)) return -1;
  store<u8>(s + S_USED, 0);
  completed = s;
  count(Ctr.FRAG_REASSEMBLED);
  return <i32>total;
}

/**
 * One fragment, in the IP layer l of the datagram at p: hdr bytes of headers, then the fragment's
 * data up to total (the datagram's length field). True when it completed its datagram: the cursor
 * now spans the reassembled payload and IP_LEN counts the whole datagram. False (F_FRAGMENT) when
 * it is kept for later, or cut short by the capture so that it cannot be reassembled.
 */
export function ipFragment(family: u8, l: usize, p: usize, hdr: usize, total: usize, id: u32, proto: u32,
  offset: u32, more: bool): bool {
  if (p + total <= end) {
    const got = reassemble(family, l, id, proto, offset, more, p + hdr, <u32>(total - hdr));
    if (got >= 0) {
      flag(F_REASSEMBLED);
      const data = completed + S_DATA;
      store<u32>(l + IP_LEN, <u32>(hdr + <usize>got));
      setCursor(data, data + <usize>got);
      setIpDeclaredEnd(data + <usize>got);
      return true;
    }
  }
  flag(F_FRAGMENT);
  return false;
}
