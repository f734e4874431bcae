// VNI → address space: VPCs whose CIDRs overlap are mirrored under different VNIs and must not
// share flows or devices. Unmapped VNIs (and untunnelled frames) are in space 0. The map is a
// small open-addressed table filled by the host at start-up; MAX_ENTRIES bounds it.

import { nTun, innermostVni } from "./packet";

@inline const MAX_ENTRIES: u32 = 4096;
@inline const SLOTS: u32 = 8192;

let keys: usize = 0;   // u32 VNI + 1 (0 = empty)
let values: usize = 0; // u32 space
let used: u32 = 0;

export function spacesInit(): void {
  keys = heap.alloc(<usize>SLOTS << 2);
  values = heap.alloc(<usize>SLOTS << 2);
  memory.fill(keys, 0, <usize>SLOTS << 2);
}

/** The byte offset, in keys and in values, of the slot holding this VNI or of the empty one where it would go. */
function slotFor(vni: u32): usize {
  let i = (vni * 0x9e3779b1) & (SLOTS - 1);
  while (true) {
    const k = load<u32>(keys + (<usize>i << 2));
    if (k == 0 || k == vni + 1) return <usize>i << 2;
    i = (i + 1) & (SLOTS - 1);
  }
}

/** Put a VNI in an address space; false when the map is full. */
export function mapVni(vni: u32, space: u32): bool {
  const at = slotFor(vni);
  if (load<u32>(keys + at) == 0) {
    if (used >= MAX_ENTRIES) return false;
    used++;
    store<u32>(keys + at, vni + 1);
  }
  store<u32>(values + at, space);
  return true;
}

/** The address space of the current frame: its innermost tunnel's VNI, looked up. */
export function packetSpace(): u32 {
  if (used == 0 || nTun() == 0) return 0;
  const at = slotFor(innermostVni());
  return load<u32>(keys + at) == 0 ? 0 : load<u32>(values + at);
}
