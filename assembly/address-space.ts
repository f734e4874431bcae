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

/** Put a VNI in an address space; false when the map is full. */
export function mapVni(vni: u32, space: u32): bool {
  let i = (vni * 0x9e3779b1) & (SLOTS - 1);
  while (true) {
    const k = load<u32>(keys + (<usize>i << 2));
    if (k == vni + 1) break;
    if (k == 0) {
      if (used >= MAX_ENTRIES) return false;
      used++;
      store<u32>(keys + (<usize>i << 2), vni + 1);
      break;
    }
    i = (i + 1) & (SLOTS - 1);
  }
  store<u32>(values + (<usize>i << 2), space);
  return true;
}

/** The address space of the current frame: its innermost tunnel's VNI, looked up. */
export function packetSpace(): u32 {
  if (used == 0) return 0;
  if (nTun() == 0) return 0;
  const vni = innermostVni();
  let i = (vni * 0x9e3779b1) & (SLOTS - 1);
  while (true) {
    const k = load<u32>(keys + (<usize>i << 2));
    if (k == 0) return 0;
    if (k == vni + 1) return load<u32>(values + (<usize>i << 2));
    i = (i + 1) & (SLOTS - 1);
  }
}
