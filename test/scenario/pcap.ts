// The capture file, written as it is generated: classic pcap (little-endian, µs, LINKTYPE_ETHERNET),
// every frame as AWS Traffic Mirroring sends it to its target:
//
//   outer  Ethernet | IPv4 mirror source ENI -> sensor | UDP sport(flow hash) -> 4789, checksum 0
//          VXLAN    flags 0x08, 24-bit VNI (the device's subnet)
//   inner  Ethernet | IPv4 (checksum computed) | TCP or UDP (checksum over the pseudo-header) | payload
//
// Frames go into an 8 MiB buffer that is flushed when full (gen-pcap.mjs does the same), so memory
// stays constant however long the scenario. Time must not run backwards: a frame older than the
// one before it is a bug in the generator and stops it.

import { openSync, writeSync, closeSync } from 'node:fs';

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
const OUTER = 14 + 20 + 8 + 8;
const CHUNK = 8 << 20;

export function ip4(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export function ipString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** The ones'-complement sum of b[off, off+len) added to `s`, not yet folded. */
function sum16(b: Buffer, off: number, len: number, s: number): number {
  const end = off + len - (len & 1);
  for (let i = off; i < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if (len & 1) s += b[off + len - 1] << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return (~s) & 0xffff;
}

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
    const b = this.buf;
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    b.writeUInt32LE(65535, 16);
    b.writeUInt32LE(1, 20);
    this.pos = 24;
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
    const rec = this.pos;
    const sec = Math.floor(us / 1e6);
    b.writeUInt32LE(sec, rec);
    b.writeUInt32LE(us - sec * 1e6, rec + 4);
    b.writeUInt32LE(OUTER + innerLen, rec + 8);
    b.writeUInt32LE(OUTER + innerLen, rec + 12);

    // outer Ethernet, IPv4, UDP, VXLAN
    const m = f.mirror;
    let o = ethernet(b, rec + 16, SENSOR_MAC, m.src);
    const oip = o;
    ipv4(b, oip, m.src, SENSOR_IP, 17, 20 + 8 + 8 + innerLen, m.ipId, 64, false);
    m.ipId = (m.ipId + 1) & 0xffff;
    o = oip + 20;
    // AWS picks the outer source port from the inner flow, so one flow keeps one port
    b.writeUInt16BE(49152 + (((f.client.ip ^ f.server.ip ^ f.cport ^ (f.sport << 3)) >>> 0) % 16384), o);
    b.writeUInt16BE(4789, o + 2);
    b.writeUInt16BE(8 + 8 + innerLen, o + 4);
    b.writeUInt16BE(0, o + 6);
    b.writeUInt32BE(0x08000000, o + 8);
    b.writeUInt32BE((m.vni << 8) >>> 0, o + 12);
    o += 16;

    // inner Ethernet and IPv4
    const src = p.fromClient ? f.client : f.server;
    const dst = p.fromClient ? f.server : f.client;
    o = ethernet(b, o, dst.mac, src.mac);
    const iip = o;
    const id = p.fromClient ? f.idC : f.idS;
    if (p.fromClient) f.idC = (f.idC + 1) & 0xffff; else f.idS = (f.idS + 1) & 0xffff;
    ipv4(b, iip, src.ip, dst.ip, f.proto, 20 + l4Len, id, src.ttl, tcp);
    o = iip + 20;
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
    let s = sum16(b, iip + 12, 8, f.proto + l4Len);
    s = sum16(b, o, l4Len, s);
    let c = fold(s);
    if (!tcp && c === 0) c = 0xffff; // a computed 0 goes out as 0xffff; 0 means "none" in UDP
    b.writeUInt16BE(c, o + (tcp ? 16 : 6));

    this.pos = data + p.data.length;
    this.frames++;
    this.bytes += 16 + OUTER + innerLen;
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

/** Ethernet II carrying IPv4; MACs are 02:00 and the 32 bits given. Returns the next offset. */
function ethernet(b: Buffer, o: number, dst: number, src: number): number {
  b[o] = 0x02; b[o + 1] = 0; b.writeUInt32BE(dst >>> 0, o + 2);
  b[o + 6] = 0x02; b[o + 7] = 0; b.writeUInt32BE(src >>> 0, o + 8);
  b[o + 12] = 0x08; b[o + 13] = 0x00;
  return o + 14;
}

function ipv4(b: Buffer, o: number, src: number, dst: number, proto: number, total: number, id: number, ttl: number, df: boolean): void {
  b[o] = 0x45; b[o + 1] = 0;
  b.writeUInt16BE(total, o + 2);
  b.writeUInt16BE(id, o + 4);
  b.writeUInt16BE(df ? 0x4000 : 0, o + 6);
  b[o + 8] = ttl; b[o + 9] = proto;
  b.writeUInt16BE(0, o + 10);
  b.writeUInt32BE(src >>> 0, o + 12);
  b.writeUInt32BE(dst >>> 0, o + 16);
  b.writeUInt16BE(fold(sum16(b, o, 20, 0)), o + 10);
}
