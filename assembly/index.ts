// The WASM core's exports: set-up, the batch entry points, and the layout of what the host reads
// (packet info, counters) so that the TypeScript side never hard-codes an offset.

import { countersInit, countersPtr as ctrPtr, NAMES, Ctr } from "./counters";
import { packetInit, pkt } from "./packet";
import * as P from "./packet";
import { fragInit } from "./frag";
import { decodeFrame } from "./decode";
import { toNs } from "./timestamp";
import { configureTunnelPorts } from "./udp";

// Slab index entry, mirrored from src/capture/slab.ts (RECORD_WORDS u32 per frame).
@inline const RECORD_WORDS: usize = 8;
@inline const R_OFFSET: usize = 0;
@inline const R_CAPLEN: usize = 1;
@inline const R_WIRELEN: usize = 2;
@inline const R_LINK: usize = 3;
@inline const R_TS_HI: usize = 4;
@inline const R_TS_LO: usize = 5;

let inputBase: usize = 0;
let inputBytes: usize = 0;

/** Allocate every region once. inputCapacity: the largest slab (index + data) the host will send. */
export function init(inputCapacity: u32, vxlanPort: u32, genevePort: u32): void {
  countersInit();
  packetInit();
  fragInit();
  inputBytes = <usize>inputCapacity;
  inputBase = heap.alloc(inputBytes);
  configureTunnelPorts(vxlanPort, genevePort);
}

export function inputPtr(): usize {
  return inputBase;
}

export function inputCapacity(): u32 {
  return <u32>inputBytes;
}

/** Decode record i of the index at indexPtr (frames relative to dataPtr) into the packet info. */
export function decodeRecord(indexPtr: usize, dataPtr: usize, i: u32): void {
  const e = indexPtr + (<usize>i * RECORD_WORDS << 2);
  const link = load<u32>(e + (R_LINK << 2));
  decodeFrame(dataPtr + <usize>load<u32>(e + (R_OFFSET << 2)), load<u32>(e + (R_CAPLEN << 2)),
    load<u32>(e + (R_WIRELEN << 2)), link & 0xffff,
    toNs(link, load<u32>(e + (R_TS_HI << 2)), load<u32>(e + (R_TS_LO << 2))));
}

export function packetPtr(): usize {
  return pkt;
}

export function countersPtr(): usize {
  return ctrPtr();
}

export function counterCount(): i32 {
  return Ctr.COUNT;
}

export function counterName(i: i32): string {
  return NAMES[i];
}

// Packet info layout (see packet.ts)
export const PKT_TS_NS = P.P_TS_NS;
export const PKT_CAPLEN = P.P_CAPLEN;
export const PKT_WIRELEN = P.P_WIRELEN;
export const PKT_FLAGS = P.P_FLAGS;
export const PKT_NETH = P.P_NETH;
export const PKT_NVLAN = P.P_NVLAN;
export const PKT_NTUN = P.P_NTUN;
export const PKT_NIP = P.P_NIP;
export const PKT_NL4 = P.P_NL4;
export const PKT_ETH_TYPE = P.P_ETH_TYPE;
export const PKT_VLAN_ID = P.P_VLAN_ID;
export const PKT_TUN_KIND = P.P_TUN_KIND;
export const PKT_TUN_IP = P.P_TUN_IP;
export const PKT_TUN_L4 = P.P_TUN_L4;
export const PKT_TUN_VNI = P.P_TUN_VNI;
export const PKT_IP = P.P_IP;
export const PKT_IP_SIZE = P.IP_SIZE;
export const IP_SRC = P.IP_SRC;
export const IP_DST = P.IP_DST;
export const IP_FAMILY = P.IP_FAMILY;
export const IP_PROTO = P.IP_PROTO;
export const IP_ID = P.IP_ID;
export const IP_LEN = P.IP_LEN;
export const PKT_L4 = P.P_L4;
export const PKT_L4_SIZE = P.L4_SIZE;
export const L4_PROTO = P.L4_PROTO;
export const L4_IP = P.L4_IP;
export const L4_SPORT = P.L4_SPORT;
export const L4_DPORT = P.L4_DPORT;
export const PKT_TCP_SEQ = P.P_TCP_SEQ;
export const PKT_TCP_ACK = P.P_TCP_ACK;
export const PKT_TCP_FLAGS = P.P_TCP_FLAGS;
export const PKT_PAYLOAD_CAP = P.P_PAYLOAD_CAP;
export const PKT_PAYLOAD_LEN = P.P_PAYLOAD_LEN;
export const FLAG_TRUNC = P.F_TRUNC;
export const FLAG_MALFORMED = P.F_MALFORMED;
export const FLAG_FRAGMENT = P.F_FRAGMENT;
export const FLAG_REASSEMBLED = P.F_REASSEMBLED;
export const FLAG_UNSUPPORTED = P.F_UNSUPPORTED;
export const FLAG_TOO_DEEP = P.F_TOO_DEEP;
