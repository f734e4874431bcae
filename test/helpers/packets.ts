// Frames built field by field for tests: Ethernet, IPv4, TCP, UDP and VXLAN encapsulation, TCP
// handshakes and whole conversations, with lengths right and checksums zero (the sensor does not
// validate checksums, as Zeek with -C) except the VXLAN outer IPv4 header's (wire.js writes it).

import { concat } from './capture-writer.js';
import { VXLAN_OUTER_BYTES, ip4, writeVxlanOuter } from './wire.js';

export interface Endpoints { src: string; dst: string; sport: number; dport: number }

/** A frame and its capture time in µs. */
export interface Timed { us: number; data: Uint8Array }

export function ethernet(payload: Uint8Array, type = 0x0800): Uint8Array {
  const h = new Uint8Array(14);
  h.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2]);
  h[12] = type >> 8;
  h[13] = type & 0xff;
  return concat([h, payload]);
}

export function ipv4(src: string, dst: string, proto: number, payload: Uint8Array, id = 1): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  dv.setUint16(2, 20 + payload.length);
  dv.setUint16(4, id);
  h[8] = 64;
  h[9] = proto;
  dv.setUint32(12, ip4(src));
  dv.setUint32(16, ip4(dst));
  return concat([h, payload]);
}

export const TCP = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, data: Uint8Array = new Uint8Array(0), win = 65535): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint32(4, seq >>> 0);
  dv.setUint32(8, ack >>> 0);
  h[12] = 5 << 4;
  h[13] = flags;
  dv.setUint16(14, win);
  return concat([h, data]);
}

export function udp(sport: number, dport: number, data: Uint8Array): Uint8Array {
  const h = new Uint8Array(8);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, 8 + data.length);
  return concat([h, data]);
}

/**
 * An IPv4 datagram (as ipv4() builds it) cut into fragments of `size` payload bytes (a multiple
 * of 8; the last one takes the rest), each in an Ethernet frame, in datagram order.
 */
export function fragments4(datagram: Uint8Array, size: number): Uint8Array[] {
  const hlen = (datagram[0] & 0x0f) * 4;
  const payload = datagram.subarray(hlen);
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += size) {
    const part = payload.subarray(off, off + size);
    const h = datagram.slice(0, hlen);
    const dv = new DataView(h.buffer);
    dv.setUint16(2, hlen + part.length);
    dv.setUint16(6, (off + size < payload.length ? 0x2000 : 0) | (off >> 3)); // MF, offset in 8-byte units
    out.push(ethernet(concat([h, part])));
  }
  return out;
}

/** An Ethernet/IPv4/TCP frame. */
export function tcpFrame(e: Endpoints, seq: number, ack: number, flags: number, data?: Uint8Array, id = 1): Uint8Array {
  return ethernet(ipv4(e.src, e.dst, 6, tcp(e.sport, e.dport, seq, ack, flags, data), id));
}

/** An Ethernet/IPv4/UDP frame. */
export function udpFrame(e: Endpoints, data: Uint8Array, id = 1): Uint8Array {
  return ethernet(ipv4(e.src, e.dst, 17, udp(e.sport, e.dport, data), id));
}

/** A frame as AWS Traffic Mirroring sends it: Ethernet/IPv4/UDP to 4789/VXLAN(VNI)/inner frame. */
export function vxlan(inner: Uint8Array, vni: number, outerSrc = '10.255.0.1', outerDst = '10.255.0.10', sport = 40000): Uint8Array {
  const out = new Uint8Array(VXLAN_OUTER_BYTES + inner.length);
  const o = writeVxlanOuter(out, 0, { dstMac: 1, srcMac: 2, src: ip4(outerSrc), dst: ip4(outerDst), ipId: 1, sport, vni, innerLength: inner.length });
  out.set(inner, o);
  return out;
}

/**
 * A VXLAN frame (outer IPv4 with no options) as a second mirror session sends the same packet:
 * outer source 10.9.9.9, another VNI.
 */
export function fromOtherSession(frame: Uint8Array, vni: number): Uint8Array {
  const copy = frame.slice();
  copy.set([10, 9, 9, 9], 14 + 12);
  copy.set([(vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff], 14 + 20 + 8 + 4);
  return copy;
}

/** The endpoints seen from the other side. */
export function reverse(e: Endpoints): Endpoints {
  return { src: e.dst, dst: e.src, sport: e.dport, dport: e.sport };
}

/** The three-way handshake from `c`: SYN (seq isnC), SYN-ACK (seq isnS), ACK, `stepUs` apart from `us`. */
export function handshake(c: Endpoints, isnC: number, isnS: number, us: number, stepUs = 1): Timed[] {
  const s = reverse(c);
  return [
    { us, data: tcpFrame(c, isnC, 0, TCP.SYN) },
    { us: us + stepUs, data: tcpFrame(s, isnS, isnC + 1, TCP.SYN | TCP.ACK) },
    { us: us + 2 * stepUs, data: tcpFrame(c, isnC + 1, isnS + 1, TCP.ACK) },
  ];
}

/**
 * A whole TCP conversation as timed frames, 100 µs apart: handshake, each message cut into
 * segments of at most `mss` bytes (acknowledged by the other side), then FINs both ways.
 */
export function conversation(c: Endpoints, msgs: { fromClient: boolean; data: Uint8Array }[], startUs: number, mss = 1400): Timed[] {
  const s = reverse(c);
  const out = handshake(c, 1000, 9000, startUs + 100, 100);
  let cseq = 1001, sseq = 9001, t = startUs + 300;
  const push = (data: Uint8Array) => out.push({ us: (t += 100), data });
  for (const m of msgs) {
    for (let off = 0; off < m.data.length; off += mss) {
      const seg = m.data.subarray(off, off + mss);
      if (m.fromClient) {
        push(tcpFrame(c, cseq, sseq, TCP.ACK | TCP.PSH, seg));
        cseq += seg.length;
        push(tcpFrame(s, sseq, cseq, TCP.ACK));
      } else {
        push(tcpFrame(s, sseq, cseq, TCP.ACK | TCP.PSH, seg));
        sseq += seg.length;
        push(tcpFrame(c, cseq, sseq, TCP.ACK));
      }
    }
  }
  push(tcpFrame(c, cseq++, sseq, TCP.FIN | TCP.ACK));
  push(tcpFrame(s, sseq++, cseq, TCP.FIN | TCP.ACK));
  push(tcpFrame(c, cseq, sseq, TCP.ACK));
  return out;
}
