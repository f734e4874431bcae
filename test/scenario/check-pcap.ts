// An independent reading of a scenario capture, for the tests: walks every record of the file
// and checks what the generator promises, without the sensor: classic little-endian µs pcap,
// frames in time order, each one AWS-mirror VXLAN (outer IPv4 checksum right, UDP to 4789 with
// checksum 0, VXLAN flags 0x08, the VNI of the mirror source) around an Ethernet/IPv4 frame whose
// lengths agree with the bytes and whose IPv4, TCP and UDP checksums verify. The frames are
// parsed here, apart from the generator; the checksum arithmetic is the one shared module
// (../helpers/wire.js), which test/checksum.test.ts checks against RFC 1071 and real frames.

import { openSync, readSync, closeSync } from 'node:fs';
import { pseudoHeaderSum, sum16, verifies } from '../helpers/wire.js';

export interface PcapCheck {
  frames: number;
  bytes: number;
  firstUs: number;
  lastUs: number;
  /** Frames per VNI. */
  vnis: Record<number, number>;
  /** What was wrong, one line each (at most 20 kept), and how many problems in all. */
  problems: string[];
  problemCount: number;
}

/** The mirror sources and the VNI each must use. */
export function checkPcap(file: string, mirrors: Record<string, number>, sensor: string): PcapCheck {
  const fd = openSync(file, 'r');
  const r: PcapCheck = { frames: 0, bytes: 0, firstUs: 0, lastUs: 0, vnis: {}, problems: [], problemCount: 0 };
  const problem = (s: string) => {
    r.problemCount++;
    if (r.problems.length < 20) r.problems.push(`frame ${r.frames}: ${s}`);
  };
  const ip = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  try {
    const head = Buffer.alloc(24);
    readSync(fd, head, 0, 24, 0);
    if (head.readUInt32LE(0) !== 0xa1b2c3d4) problem('not a little-endian microsecond pcap');
    if (head.readUInt32LE(20) !== 1) problem('link type is not Ethernet');
    let pos = 24;
    const buf = Buffer.alloc(4 << 20);
    let have = 0, start = 0;
    const fill = () => {
      buf.copy(buf, 0, start, have);
      have -= start;
      start = 0;
      const n = readSync(fd, buf, have, buf.length - have, pos);
      pos += n;
      have += n;
      return n;
    };
    fill();
    for (;;) {
      if (have - start < 16 && fill() === 0 && have - start < 16) {
        if (have - start > 0) problem('file ends inside a record header');
        break;
      }
      const cap = buf.readUInt32LE(start + 8);
      if (have - start < 16 + cap && fill() === 0 && have - start < 16 + cap) {
        problem('file ends inside a frame');
        break;
      }
      const us = buf.readUInt32LE(start) * 1e6 + buf.readUInt32LE(start + 4);
      if (buf.readUInt32LE(start + 4) >= 1e6) problem('microseconds out of range');
      if (buf.readUInt32LE(start + 12) !== cap) problem('wire length differs from captured length');
      if (r.frames === 0) r.firstUs = us;
      else if (us < r.lastUs) problem(`time runs backwards (${us} after ${r.lastUs})`);
      r.lastUs = us;
      frame(buf, start + 16, cap);
      r.frames++;
      r.bytes += 16 + cap;
      start += 16 + cap;
    }
  } finally {
    closeSync(fd);
  }
  r.bytes += 24;
  return r;

  function frame(b: Buffer, f: number, len: number): void {
    if (len < 50 + 14 + 20 + 8) return problem(`frame of ${len} bytes is too short`);
    if (b.readUInt16BE(f + 12) !== 0x0800) return problem('outer ethertype is not IPv4');
    const o = f + 14;
    if (b[o] !== 0x45) return problem('outer IPv4 header is not 20 bytes');
    if (!verifies(sum16(b, o, 20))) problem('outer IPv4 checksum');
    if (b.readUInt16BE(o + 2) !== len - 14) problem('outer IPv4 length');
    if (b[o + 9] !== 17) return problem('outer protocol is not UDP');
    const src = ip(b, o + 12);
    if (ip(b, o + 16) !== sensor) problem(`outer destination ${ip(b, o + 16)} is not the sensor`);
    const u = o + 20;
    if (b.readUInt16BE(u + 2) !== 4789) problem('outer UDP port is not 4789');
    if (b.readUInt16BE(u + 4) !== len - 34) problem('outer UDP length');
    if (b.readUInt16BE(u + 6) !== 0) problem('outer UDP checksum is not 0');
    const v = u + 8;
    if (b[v] !== 0x08 || b[v + 1] !== 0 || b[v + 2] !== 0 || b[v + 3] !== 0 || b[v + 7] !== 0) problem('VXLAN flags');
    const vni = b.readUIntBE(v + 4, 3);
    r.vnis[vni] = (r.vnis[vni] ?? 0) + 1;
    if (mirrors[src] !== vni) problem(`VNI ${vni} from mirror source ${src}`);
    const e = v + 8;
    if (b.readUInt16BE(e + 12) !== 0x0800) return problem('inner ethertype is not IPv4');
    const i = e + 14;
    if (b[i] !== 0x45) return problem('inner IPv4 header is not 20 bytes');
    if (!verifies(sum16(b, i, 20))) problem('inner IPv4 checksum');
    const total = b.readUInt16BE(i + 2);
    if (total !== len - 50 - 14) problem(`inner IPv4 length ${total} for ${len - 64} bytes`);
    const proto = b[i + 9];
    const l4 = i + 20, l4len = total - 20;
    if (proto === 6) {
      const off = (b[l4 + 12] >> 4) * 4;
      if (off < 20 || off > l4len) problem('TCP data offset');
    } else if (proto === 17) {
      if (b.readUInt16BE(l4 + 4) !== l4len) problem('inner UDP length');
      if (b.readUInt16BE(l4 + 6) === 0) problem('inner UDP checksum missing');
    } else {
      return problem(`inner protocol ${proto}`);
    }
    // the pseudo-header (addresses, protocol, length) and the segment sum to all ones
    if (!verifies(sum16(b, l4, l4len, pseudoHeaderSum(b, i, proto, l4len)))) problem(`inner ${proto === 6 ? 'TCP' : 'UDP'} checksum`);
  }
}
