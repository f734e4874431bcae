// Decode every frame of a capture file with one WASM core and collect each frame's view.

import { openCaptureFile } from '../../src/capture/file-source.js';
import { Slab } from '../../src/capture/slab.js';
import { WasmCore } from '../../src/pool/wasm-core.js';
import { readPacket, PacketView } from '../../src/pool/packet-view.js';

export function decodeFile(file: string, core?: WasmCore): { packets: PacketView[]; core: WasmCore } {
  const slab = new Slab(1 << 20, 4096);
  const c = core ?? new WasmCore({ maxRecords: slab.maxRecords, dataCapacity: slab.dataCapacity });
  const src = openCaptureFile(file);
  const packets: PacketView[] = [];
  try {
    while (src.fill(slab) > 0) {
      c.load(slab);
      for (let i = 0; i < slab.records; i++) {
        c.decodeRecord(i);
        packets.push(readPacket(c));
      }
    }
  } finally {
    src.close();
  }
  return { packets, core: c };
}
