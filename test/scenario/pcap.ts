// The capture file, written as it is generated: classic pcap (little-endian, µs, LINKTYPE_ETHERNET),
// every frame as AWS Traffic Mirroring sends it to its target:
//
//   outer  Ethernet | IPv4 mirror source ENI -> sensor | UDP sport(flow hash) -> 4789, checksum 0
//          VXLAN    flags 0x08, 24-bit VNI (the device's subnet)
//   inner  Ethernet | IPv4 (checksum computed) | TCP or UDP (checksum over the pseudo-header) | payload
//
// The headers and checksums are written by ../helpers/wire.js, which the benchmark's capture shares.
// Frames go into an 8 MiB buffer that is flushed when full (gen-pcap.mjs does the same), so memory
// stays constant however long the scenario. Time must not run backwards: a frame older than the
// one before it is a bug in the generator and stops it.

import { openSync, writeSync, closeSync } from 'node:fs';
import {
  VXLAN_OUTER_BYTES, ip4, checksum, pseudoHeaderSum, sum16, writeEthernet, writeIpv4, writePcapHeader, writePcapRecordHeader, writeVxlanOuter,
} from '../helpers/wire.js';

/** One end of a conversation as the inner frame shows it. */
export interface Host {
  ip: number;
  /** The MAC its frames carry on the device's link (a remote host's is the VPC router's). */
  mac: number;
  ttl: number;
}

/** A traffic-mirror session: its VNI and the source ENI address on the outer header. */
export interface Mirror {
  vni: number;
  src: number;
  /** The next outer IPv4 id. */
  ipId: number;
}

/** One inner flow: a TCP connection or a UDP exchange. */
export interface Flow {
  mirror: Mirror;
  proto: 6 | 17;
  client: Host;
  server: Host;
  cport: number;
  sport: number;
  /** The next IPv4 id each side sends. */
  idC: number;
  idS: number;
}

export interface Packet {
  /** Capture time, µs since the epoch. */
  us: number;
  flow: Flow;
  fromClient: boolean;
  /** TCP only. */
  seq: number;
  ack: number;
  flags: number;
  win: number;
  /** TCP options, a multiple of 4 bytes. */
  opts?: Uint8Array;
  data: Uint8Array;
}

export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export const SENSOR_IP = ip4('10.255.0.10');
const SENSOR_MAC = 0x0aff000a;
const CHUNK = 8 << 20;

export class PcapWriter {
  private readonly buf = Buffer.alloc(CHUNK + 70000);
  private pos = 0;
  private readonly fd: number;
  private lastUs = 0;
  frames = 0;
  bytes = 24;
  firstUs = 0;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
    this.pos = writePcapHeader(this.buf, 0, { snaplen: 65535 });
  }

  get lastTime(): number {
    return this.lastUs;
  }

  write(p: Packet): void {
    const us = Math.round(p.us);
    if (us < this.lastUs) throw new Error(`frame at ${us} µs after one at ${this.lastUs} µs: time ran backwards`);
    if (this.frames === 0) this.firstUs = us;
    this.lastUs = us;
    const f = p.flow;
    const tcp = f.proto === 6;
    const optLen = p.opts?.length ?? 0;
    const l4Len = (tcp ? 20 + optLen : 8) + p.data.length;
    const innerLen = 14 + 20 + l4Len;
    const b = this.buf;
    const sec = Math.floor(us / 1e6);
    let o = writePcapRecordHeader(b, this.pos, sec, us - sec * 1e6, VXLAN_OUTER_BYTES + innerLen);
    const m = f.mirror;
    o = writeVxlanOuter(b, o, {
      dstMac: SENSOR_MAC, srcMac: m.src, src: m.src, dst: SENSOR_IP, ipId: m.ipId, innerLength: innerLen, vni: m.vni,
      // AWS picks the outer source port from the inner flow, so one flow keeps one port
      sport: 49152 + (((f.client.ip ^ f.server.ip ^ f.cport ^ (f.sport << 3)) >>> 0) % 16384),
    });
    m.ipId = (m.ipId + 1) & 0xffff;

    // inner Ethernet and IPv4
    const src = p.fromClient ? f.client : f.server;
    const dst = p.fromClient ? f.server : f.client;
    const iip = writeEthernet(b, o, dst.mac, src.mac);
    const id = p.fromClient ? f.idC : f.idS;
    if (p.fromClient) f.idC = (f.idC + 1) & 0xffff; else f.idS = (f.idS + 1) & 0xffff;
    o = writeIpv4(b, iip, { src: src.ip, dst: dst.ip, proto: f.proto, total: 20 + l4Len, id, ttl: src.ttl, df: tcp });
    const sport = p.fromClient ? f.cport : f.sport;
    const dport = p.fromClient ? f.sport : f.cport;
    b.writeUInt16BE(sport, o);
    b.writeUInt16BE(dport, o + 2);
    let data: number;
    if (tcp) {
      b.writeUInt32BE(p.seq >>> 0, o + 4);
      b.writeUInt32BE(p.ack >>> 0, o + 8);
      b[o + 12] = ((20 + optLen) / 4) << 4;
      b[o + 13] = p.flags;
      b.writeUInt16BE(p.win, o + 14);
      b.writeUInt32BE(0, o + 16); // checksum, urgent pointer
      if (p.opts) b.set(p.opts, o + 20);
      data = o + 20 + optLen;
    } else {
      b.writeUInt16BE(l4Len, o + 4);
      b.writeUInt16BE(0, o + 6);
      data = o + 8;
    }
    b.set(p.data, data);
    // TCP/UDP checksum over the pseudo-header (addresses, protocol, length) and the segment
    let c = checksum(sum16(b, o, l4Len, pseudoHeaderSum(b, iip, f.proto, l4Len)));
    if (!tcp && c === 0) c = 0xffff; // a computed 0 goes out as 0xffff; 0 means "none" in UDP
    b.writeUInt16BE(c, o + (tcp ? 16 : 6));

    this.pos = data + p.data.length;
    this.frames++;
    this.bytes += 16 + VXLAN_OUTER_BYTES + innerLen;
    if (this.pos > CHUNK) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }
}

