// The WASM core's exports: set-up, the batch entry points, and the layout of what the host reads
// (packet info, counters) so that the TypeScript side never hard-codes an offset.

import { countersInit, NAMES, Ctr } from "./counters";
import { packetInit, pkt } from "./packet";
import * as P from "./packet";
import { fragInit } from "./frag";
import { decodeFrame } from "./decode";
import { toNs } from "./timestamp";
import { configureTunnelPorts } from "./udp";
import { spacesInit } from "./address-space";
import { serverPortsInit } from "./server-ports";
import { dedupInit } from "./dedup";
import { outputInit, outputRoom } from "./output";
import { eventsInit, FIELD_NAMES, Fld } from "./events";
import * as E from "./events";
import * as H from "./http";
import * as A from "./app";
import { streamsInit } from "./stream";
import { dnsInit } from "./dns";
import { tlsInit, SCRATCH as TLS_SCRATCH } from "./tls";
import { flowStageInit, flowStage, advanceClock } from "./flow-stage";
import * as F from "./flow";

// Entry points served as they are by their modules (see each for its contract); flush() is
// the flow stage's flushAll(): end of input, write out every open record.
export { setTimeouts, setAppLayer, flushAll as flush } from "./flow-stage";
export { addServerPort } from "./server-ports";
export { mapVni } from "./address-space";
export { outputPtr, outputCount, outputClear } from "./output";
export { eventsPtr, eventsUsed, eventsClear } from "./events";
export { countersPtr } from "./counters";

// Slab index entry, as src/capture/slab.ts writes it (RECORD_WORDS u32 per frame); exported as
// REC_*, which the host checks against its own layout when it instantiates the core.
@inline const RECORD_WORDS: usize = 6;
@inline const R_OFFSET: usize = 0;
@inline const R_CAPLEN: usize = 1;
@inline const R_WIRELEN: usize = 2;
@inline const R_LINK: usize = 3;
@inline const R_TS_HI: usize = 4;
@inline const R_TS_LO: usize = 5;
export const REC_WORDS = <i32>RECORD_WORDS;
export const REC_OFFSET = <i32>R_OFFSET;
export const REC_CAPLEN = <i32>R_CAPLEN;
export const REC_WIRELEN = <i32>R_WIRELEN;
export const REC_LINK = <i32>R_LINK;
export const REC_TS_HI = <i32>R_TS_HI;
export const REC_TS_LO = <i32>R_TS_LO;

let inputBase: usize = 0;

/**
 * Allocate every region once. inputCapacity: the largest slab (index + data) the host will send;
 * maxFlows, maxTunnels: table bounds; shard of shards: which flows this instance owns;
 * dedupWindowUs: the mirror-duplicate window (0 = off); streamBuffers of streamWindow bytes:
 * the TCP reassembly pool for the application layer.
 */
export function init(inputCapacity: u32, vxlanPort: u32, genevePort: u32, maxFlows: u32, maxTunnels: u32,
  shard: u32, shards: u32, dedupWindowUs: u32, streamBuffers: u32, streamWindow: u32): void {
  countersInit();
  packetInit();
  fragInit();
  spacesInit();
  serverPortsInit();
  outputInit();
  eventsInit();
  streamsInit(streamBuffers, streamWindow);
  dnsInit();
  tlsInit();
  dedupInit(dedupWindowUs);
  flowStageInit(maxFlows, maxTunnels, shard, shards);
  inputBase = heap.alloc(<usize>inputCapacity);
  configureTunnelPorts(vxlanPort, genevePort);
}

export function inputPtr(): usize {
  return inputBase;
}

@inline function entry(indexPtr: usize, i: u32): usize {
  return indexPtr + (<usize>i * RECORD_WORDS << 2);
}

@inline function entryNs(e: usize): u64 {
  return toNs(load<u32>(e + (R_LINK << 2)), load<u32>(e + (R_TS_HI << 2)), load<u32>(e + (R_TS_LO << 2)));
}

@inline function decodeEntry(e: usize, dataPtr: usize, ns: u64): void {
  decodeFrame(dataPtr + <usize>load<u32>(e + (R_OFFSET << 2)), load<u32>(e + (R_CAPLEN << 2)),
    load<u32>(e + (R_WIRELEN << 2)), load<u32>(e + (R_LINK << 2)) & 0xffff, ns);
}

/** Decode record i of the index at indexPtr (frames relative to dataPtr) into the packet info. */
export function decodeRecord(indexPtr: usize, dataPtr: usize, i: u32): void {
  const e = entry(indexPtr, i);
  decodeEntry(e, dataPtr, entryNs(e));
}

/**
 * Decode records [from, to) of the loaded slab and run the flow stage on each. Returns the index
 * of the first record not processed: less than `to` when the output region needs draining.
 */
export function processRecords(indexPtr: usize, dataPtr: usize, from: u32, to: u32): u32 {
  for (let i = from; i < to; i++) {
    const e = entry(indexPtr, i);
    const ns = entryNs(e);
    if (!outputRoom() || !advanceClock(ns)) return i;
    decodeEntry(e, dataPtr, ns);
    flowStage();
  }
  return to;
}

/**
 * ClientHellos that do not come from a TCP stream (QUIC carries them in encrypted Initial
 * packets, which the host decrypts): write the handshake message (u8 type 1, u24 length, body;
 * at most TLS_SCRATCH_BYTES) at tlsScratchPtr(), then call tlsParseClientHello(its length). It appends one
 * Ev.TLS_CLIENT_HELLO event to the events region, at the eventsUsed() of before the call, with
 * the flow header all zero (uid, addresses, ports, protocol and time 0): the caller reads it from
 * there and supplies the connection. Returns false (nothing appended) when the bytes are not a
 * whole, well-formed ClientHello (counted as tls.malformed) or the events region is full. The
 * scratch buffer is also the TCP parser's: write and parse in one go, between processRecords
 * calls. src/pool/records/tls-fingerprints.ts turns the event into JA3 and JA4 (ja4(h, true)
 * for QUIC's "q").
 */
export { tlsScratch as tlsScratchPtr, tlsClientHelloAt as tlsParseClientHello } from "./tls";

/** The largest ClientHello tlsParseClientHello takes: the size of the scratch buffer. */
export const TLS_SCRATCH_BYTES = <i32>TLS_SCRATCH;

export function fieldCount(): i32 {
  return Fld.COUNT;
}

export function fieldName(i: i32): string {
  return FIELD_NAMES[i];
}

export function packetPtr(): usize {
  return pkt;
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
export const PKT_PAYLOAD = P.P_PAYLOAD;
export const PKT_PAYLOAD_CAP = P.P_PAYLOAD_CAP;
export const PKT_PAYLOAD_LEN = P.P_PAYLOAD_LEN;
export const FLAG_TRUNC = P.F_TRUNC;
export const FLAG_MALFORMED = P.F_MALFORMED;
export const FLAG_FRAGMENT = P.F_FRAGMENT;
export const FLAG_REASSEMBLED = P.F_REASSEMBLED;
export const FLAG_UNSUPPORTED = P.F_UNSUPPORTED;
export const FLAG_TOO_DEEP = P.F_TOO_DEEP;

// Flow record layout (see flow.ts)
export const FLOW_SIZE = <i32>F.FL_SIZE;
export const FL_ORIG = <i32>F.FL_ORIG;
export const FL_RESP = <i32>F.FL_RESP;
export const FL_OPORT = <i32>F.FL_OPORT;
export const FL_RPORT = <i32>F.FL_RPORT;
export const FL_PROTO = <i32>F.FL_PROTO;
export const FL_FLAGS = <i32>F.FL_FLAGS;
export const FL_SPACE = <i32>F.FL_SPACE;
export const FL_VNI = <i32>F.FL_VNI;
export const FL_FIRST = <i32>F.FL_FIRST;
export const FL_LAST = <i32>F.FL_LAST;
export const FL_UID = <i32>F.FL_UID;
export const FL_PARENT1 = <i32>F.FL_PARENT1;
export const FL_PARENT2 = <i32>F.FL_PARENT2;
export const FL_MISSED = <i32>F.FL_MISSED;
export const FL_HIST_LEN = <i32>F.FL_HIST_LEN;
export const FL_HIST = <i32>F.FL_HIST;
export const FL_TUN_KIND = <i32>F.FL_TUN_KIND;
export const FL_APP_PROTO = <i32>F.FL_APP_PROTO;
export const FL_EP_ORIG = <i32>F.FL_EP_ORIG;
export const FL_EP_RESP = <i32>F.FL_EP_RESP;
export const EP_PKTS = <i32>F.EP_PKTS;
export const EP_IP_BYTES = <i32>F.EP_IP_BYTES;
export const EP_BYTES = <i32>F.EP_BYTES;
export const EP_STATE = <i32>F.EP_STATE;
export const FLF_TUNNEL = <i32>F.FLF_TUNNEL;
export const FLF_PARENT1 = <i32>F.FLF_PARENT1;
export const FLF_PARENT2 = <i32>F.FLF_PARENT2;

// Application event layout (see events.ts): event types, header and field entry offsets, flags,
// value kinds, and the host kinds of Fld.HOST_KIND (http.ts)
export const EV_HTTP_REQUEST = <i32>E.Ev.HTTP_REQUEST;
export const EV_HTTP_RESPONSE = <i32>E.Ev.HTTP_RESPONSE;
export const EV_TLS_CLIENT_HELLO = <i32>E.Ev.TLS_CLIENT_HELLO;
export const EV_TLS_SERVER_HELLO = <i32>E.Ev.TLS_SERVER_HELLO;
export const EV_TLS_CERTIFICATE = <i32>E.Ev.TLS_CERTIFICATE;
export const EV_DNS = <i32>E.Ev.DNS;
export const EV_QUIC_INITIAL = <i32>E.Ev.QUIC_INITIAL;
export const EV_HTTP_BODY_DATA = <i32>E.Ev.HTTP_BODY_DATA;
export const EV_HTTP_BODY_END = <i32>E.Ev.HTTP_BODY_END;
export const EV_DATA_BURST = <i32>E.Ev.DATA_BURST;
export const EVH_SIZE = <i32>E.EVH_SIZE;
export const EVH_TYPE = <i32>E.EVH_TYPE;
export const EVH_FLAGS = <i32>E.EVH_FLAGS;
export const EVH_UID = <i32>E.EVH_UID;
export const EVH_TS = <i32>E.EVH_TS;
export const EVH_ORIG = <i32>E.EVH_ORIG;
export const EVH_RESP = <i32>E.EVH_RESP;
export const EVH_OPORT = <i32>E.EVH_OPORT;
export const EVH_RPORT = <i32>E.EVH_RPORT;
export const EVH_PROTO = <i32>E.EVH_PROTO;
export const EVH_VNI = <i32>E.EVH_VNI;
export const EVH_BYTES = <i32>E.EVH_BYTES;
export const FE_ID = <i32>E.FE_ID;
export const FE_KIND = <i32>E.FE_KIND;
export const FE_LEN = <i32>E.FE_LEN;
export const FE_BYTES = <i32>E.FE_BYTES;
export const EVF_ORIG = <i32>E.EVF_ORIG;
export const EVF_TUNNELLED = <i32>E.EVF_TUNNELLED;
export const K_BYTES = <i32>E.K_BYTES;
export const K_U32 = <i32>E.K_U32;
export const K_U64 = <i32>E.K_U64;
export const K_U16S = <i32>E.K_U16S;
export const HOST_NAME = <i32>H.HOST_NAME;
export const HOST_IPV4 = <i32>H.HOST_IPV4;
export const HOST_IPV6 = <i32>H.HOST_IPV6;
export const HOST_MISSING = <i32>H.HOST_MISSING;

// The application protocol a connection spoke (FL_APP_PROTO, app.ts)
export const APP_HTTP = <i32>A.APP_HTTP;
export const APP_TLS = <i32>A.APP_TLS;
export const APP_DNS = <i32>A.APP_DNS;
export const APP_QUIC = <i32>A.APP_QUIC;
