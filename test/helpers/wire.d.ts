// Types of wire.js for the TypeScript tests.

type Bytes = Uint8Array;

export const VXLAN_OUTER_BYTES: number;
export const VXLAN_PORT: number;
export const PCAP_HEADER_BYTES: number;
export const PCAP_RECORD_HEADER_BYTES: number;

export function ip4(s: string): number;
export function ipString(n: number): string;

export function sum16(b: Bytes, off: number, len: number, sum?: number): number;
export function fold(sum: number): number;
export function checksum(sum: number): number;
export function verifies(sum: number): boolean;
export function pseudoHeaderSum(b: Bytes, ip: number, proto: number, l4Length: number): number;
export function setIpv4Checksum(b: Bytes, ip: number, length?: number): void;

export function writePcapHeader(b: Bytes, o: number, opts?: { le?: boolean; nano?: boolean; snaplen?: number; linkType?: number }): number;
export function writePcapRecordHeader(b: Bytes, o: number, sec: number, frac: number, caplen: number, wirelen?: number, le?: boolean): number;
export function writeEthernet(b: Bytes, o: number, dstMac: number, srcMac: number, type?: number): number;
export function writeIpv4(b: Bytes, o: number, h: { src: number; dst: number; proto: number; total: number; id: number; ttl?: number; df?: boolean }): number;
export function writeVxlanOuter(b: Bytes, o: number, h: {
  dstMac: number; srcMac: number; src: number; dst: number; ipId: number; ttl?: number; df?: boolean; sport: number; vni: number; innerLength: number;
}): number;
