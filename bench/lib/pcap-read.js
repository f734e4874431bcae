// A tiny reader for small classic pcap files, little-endian with microsecond timestamps (magic
// a1b2c3d4 written little-endian), the format of the corpus captures the app-layer benchmark
// replays. It reads the whole file at once; anything else is rejected with the reason.
import { readFileSync } from 'node:fs';

const MAGIC_LE_USEC = 0xa1b2c3d4;

/** { linktype, frames: [{ us (timestamp in µs), data (captured bytes), wireLength }] }. */
export function readPcap(file) {
  const buf = readFileSync(file);
  if (buf.length < 24 || buf.readUInt32LE(0) !== MAGIC_LE_USEC) {
    throw new Error(`${file}: not a little-endian microsecond classic pcap`);
  }
  const linktype = buf.readUInt32LE(20);
  const frames = [];
  for (let pos = 24; pos < buf.length;) {
    if (pos + 16 > buf.length) throw new Error(`${file}: truncated record header at byte ${pos}`);
    const capLength = buf.readUInt32LE(pos + 8);
    const end = pos + 16 + capLength;
    if (end > buf.length) throw new Error(`${file}: truncated record at byte ${pos}`);
    frames.push({
      us: buf.readUInt32LE(pos) * 1e6 + buf.readUInt32LE(pos + 4),
      data: buf.subarray(pos + 16, end),
      wireLength: buf.readUInt32LE(pos + 12),
    });
    pos = end;
  }
  return { linktype, frames };
}
