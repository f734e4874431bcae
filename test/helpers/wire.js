// Bytes on the wire, written in place, for every tool that builds a capture: the tests' frames
// (packets.ts, capture-writer.ts), the evaluation scenario (test/scenario/pcap.ts) and the
// application-layer benchmark's capture (bench/lib/app-capture.js, plain Node, hence JavaScript).
// The Internet checksum (RFC 1071), the classic pcap file and record headers, Ethernet II and
// IPv4 headers, and the outer headers AWS Traffic Mirroring puts around a mirrored frame:
//
//   Ethernet | IPv4 mirror source -> target (checksum computed) | UDP -> 4789, checksum 0 | VXLAN flags 0x08, VNI
//
// `b` is a Uint8Array or a Buffer; multi-byte fields are big-endian except in pcap headers.

/** Outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8. */
export const VXLAN_OUTER_BYTES = 50;
export const VXLAN_PORT = 4789;
export const PCAP_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/** "10.0.0.1" as an unsigned 32-bit number. */
export const ip4 = (s) => s.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** An unsigned 32-bit number as "10.0.0.1". */
export const ipString = (n) => `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;

const view = (b, o, n) => new DataView(b.buffer, b.byteOffset + o, n);

/**
 * The ones'-complement sum of b[off, off+len) as 16-bit big-endian words, an odd last byte
 * padded with a zero byte (RFC 1071), added to `sum` and not folded: sums of parts add up.
 */
export function sum16(b, off, len, sum = 0) {
  const end = off + len - (len & 1);
  for (let i = off; i < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (len & 1) sum += b[off + len - 1] << 8;
  return sum;
}

/** A sum folded to 16 bits, carries added back in. */
export function fold(sum) {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum to write for data whose sum16 is `sum`: the ones' complement of its fold. */
export const checksum = (sum) => ~fold(sum) & 0xffff;

/** Data that carries its checksum verifies when it sums to all ones. */
export const verifies = (sum) => fold(sum) === 0xffff;

/** The TCP/UDP pseudo-header's sum for the IPv4 header at b[ip]: addresses, protocol, segment length. */
export const pseudoHeaderSum = (b, ip, proto, l4Length) => sum16(b, ip + 12, 8, proto + l4Length);

/** Writes the checksum of the IPv4 header at b[ip, ip+length). */
export function setIpv4Checksum(b, ip, length = 20) {
  b[ip + 10] = 0;
  b[ip + 11] = 0;
  const c = checksum(sum16(b, ip, length));
  b[ip + 10] = c >> 8;
  b[ip + 11] = c & 0xff;
}

/**
 * A classic pcap file header at b[o]: the magic (µs, or ns with `nano`) in the byte order asked
 * for, version 2.4, `snaplen` and the 32-bit link-type field.
 */
export function writePcapHeader(b, o, { le = true, nano = false, snaplen = 262144, linkType = 1 } = {}) {
  const v = view(b, o, PCAP_HEADER_BYTES);
  v.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setInt32(8, 0, le);
  v.setUint32(12, 0, le);
  v.setUint32(16, snaplen, le);
  v.setUint32(20, linkType, le);
  return o + PCAP_HEADER_BYTES;
}

/** A pcap record header at b[o]: seconds, fraction (µs or ns, as the file's magic), captured and wire lengths. */
export function writePcapRecordHeader(b, o, sec, frac, caplen, wirelen = caplen, le = true) {
  const v = view(b, o, PCAP_RECORD_HEADER_BYTES);
  v.setUint32(0, sec, le);
  v.setUint32(4, frac, le);
  v.setUint32(8, caplen, le);
  v.setUint32(12, wirelen, le);
  return o + PCAP_RECORD_HEADER_BYTES;
}

/** Ethernet II at b[o]; the MACs are 02:00 followed by the 32 bits given. Returns the next offset. */
export function writeEthernet(b, o, dstMac, srcMac, type = 0x0800) {
  const v = view(b, o, 14);
  v.setUint16(0, 0x0200);
  v.setUint32(2, dstMac >>> 0);
  v.setUint16(6, 0x0200);
  v.setUint32(8, srcMac >>> 0);
  v.setUint16(12, type);
  return o + 14;
}

/** A 20-byte IPv4 header at b[o], checksum computed; `total` is the datagram's length. Returns the next offset. */
export function writeIpv4(b, o, { src, dst, proto, total, id, ttl = 64, df = false }) {
  const v = view(b, o, 20);
  v.setUint16(0, 0x4500);
  v.setUint16(2, total);
  v.setUint16(4, id);
  v.setUint16(6, df ? 0x4000 : 0);
  v.setUint8(8, ttl);
  v.setUint8(9, proto);
  v.setUint16(10, 0);
  v.setUint32(12, src >>> 0);
  v.setUint32(16, dst >>> 0);
  setIpv4Checksum(b, o);
  return o + 20;
}

/**
 * The outer headers of a mirrored frame of `innerLength` bytes at b[o]: Ethernet (MACs as
 * writeEthernet), IPv4 from the mirror source to the target, UDP from `sport` to 4789 with
 * checksum 0 (RFC 7348 allows it), VXLAN flags 0x08 (VNI present) and the 24-bit `vni`.
 * Returns where the inner frame goes.
 */
export function writeVxlanOuter(b, o, { dstMac, srcMac, src, dst, ipId, ttl = 64, df = false, sport, vni, innerLength }) {
  const ip = writeEthernet(b, o, dstMac, srcMac);
  const udp = writeIpv4(b, ip, { src, dst, proto: 17, total: 20 + 8 + 8 + innerLength, id: ipId, ttl, df });
  const v = view(b, udp, 16);
  v.setUint16(0, sport);
  v.setUint16(2, VXLAN_PORT);
  v.setUint16(4, 8 + 8 + innerLength);
  v.setUint16(6, 0);
  v.setUint32(8, 0x08000000);
  v.setUint32(12, (vni << 8) >>> 0);
  return udp + 16;
}
