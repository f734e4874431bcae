// The core's decoded view of the current frame as a plain object, every layer of it: for tests
// (field by field against tshark) and for inspecting single frames. Not used on the hot path.

import { WasmCore } from './wasm-core.js';
import { formatAddress } from './address.js';

export interface IpLayer { family: 4 | 6; src: string; dst: string; proto: number; id: number; length: number }
export interface L4Layer { proto: number; sport: number; dport: number; ip: number }
export interface TunnelLayer { kind: 'vxlan' | 'geneve'; vni: number; ip: number; l4: number }
export interface PacketView {
  tsNs: bigint;
  caplen: number;
  wirelen: number;
  flags: { trunc: boolean; malformed: boolean; fragment: boolean; reassembled: boolean; unsupported: boolean; tooDeep: boolean };
  ethTypes: number[];
  vlanIds: number[];
  tunnels: TunnelLayer[];
  ips: IpLayer[];
  l4: L4Layer[];
  tcp?: { seq: number; ack: number; flags: number };
  /** The innermost payload: WASM address, bytes captured, bytes per the headers. */
  payload: { address: number; captured: number; length: number };
}

export function readPacket(core: WasmCore): PacketView {
  const c = (n: string) => core.constant(n);
  const base = core.exports.packetPtr() as number;
  const m = core.bytes;
  const dv = new DataView(m.buffer);
  const u8 = (o: number) => m[base + o];
  const u16 = (o: number) => dv.getUint16(base + o, true);
  const u32 = (o: number) => dv.getUint32(base + o, true);
  const flags = u32(c('PKT_FLAGS'));
  const ips: IpLayer[] = [];
  for (let i = 0; i < u8(c('PKT_NIP')); i++) {
    const l = c('PKT_IP') + i * c('PKT_IP_SIZE');
    ips.push({
      family: u8(l + c('IP_FAMILY')) as 4 | 6,
      src: formatAddress(m, base + l + c('IP_SRC')),
      dst: formatAddress(m, base + l + c('IP_DST')),
      proto: u8(l + c('IP_PROTO')),
      id: u32(l + c('IP_ID')),
      length: u32(l + c('IP_LEN')),
    });
  }
  const l4: L4Layer[] = [];
  for (let i = 0; i < u8(c('PKT_NL4')); i++) {
    const l = c('PKT_L4') + i * c('PKT_L4_SIZE');
    l4.push({ proto: u8(l + c('L4_PROTO')), sport: u16(l + c('L4_SPORT')), dport: u16(l + c('L4_DPORT')), ip: u8(l + c('L4_IP')) });
  }
  const tunnels: TunnelLayer[] = [];
  for (let i = 0; i < u8(c('PKT_NTUN')); i++) {
    tunnels.push({
      kind: u8(c('PKT_TUN_KIND') + i) === 1 ? 'vxlan' : 'geneve',
      vni: u32(c('PKT_TUN_VNI') + 4 * i),
      ip: u8(c('PKT_TUN_IP') + i),
      l4: u8(c('PKT_TUN_L4') + i),
    });
  }
  const last = l4[l4.length - 1];
  return {
    tsNs: dv.getBigUint64(base + c('PKT_TS_NS'), true),
    caplen: u32(c('PKT_CAPLEN')),
    wirelen: u32(c('PKT_WIRELEN')),
    flags: {
      trunc: (flags & c('FLAG_TRUNC')) !== 0,
      malformed: (flags & c('FLAG_MALFORMED')) !== 0,
      fragment: (flags & c('FLAG_FRAGMENT')) !== 0,
      reassembled: (flags & c('FLAG_REASSEMBLED')) !== 0,
      unsupported: (flags & c('FLAG_UNSUPPORTED')) !== 0,
      tooDeep: (flags & c('FLAG_TOO_DEEP')) !== 0,
    },
    ethTypes: Array.from({ length: u8(c('PKT_NETH')) }, (_, i) => u16(c('PKT_ETH_TYPE') + 2 * i)),
    vlanIds: Array.from({ length: u8(c('PKT_NVLAN')) }, (_, i) => u16(c('PKT_VLAN_ID') + 2 * i)),
    tunnels,
    ips,
    l4,
    tcp: last?.proto === 6 ? { seq: u32(c('PKT_TCP_SEQ')), ack: u32(c('PKT_TCP_ACK')), flags: u16(c('PKT_TCP_FLAGS')) } : undefined,
    payload: { address: u32(c('PKT_PAYLOAD')), captured: u32(c('PKT_PAYLOAD_CAP')), length: u32(c('PKT_PAYLOAD_LEN')) },
  };
}
