// The flow stage, run for every decoded frame on every shard (worker):
//  1. shard 0 alone keeps the tunnel sessions (the outer VXLAN/GENEVE flows) and writes them out;
//  2. the inner flow's symmetric hash picks its owner shard; other shards stop here;
//  3. the owner drops mirror duplicates, finds or creates the flow, names its parent tunnel by a
//     uid that any shard computes from the outer addresses alone, and accounts the packet.
// Every shard sees every frame, so each keeps the same capture clock and expires on the same
// schedule: records do not depend on how many workers there are (unless a table overflows).

import { Ctr, count } from "./counters";
import { flowHash, shardOf, mix64 } from "./hash";
import { FlowTable, CL_TCP_ATTEMPT, CL_TCP_OPEN, CL_TCP_CLOSED, CL_UDP, CL_ICMP } from "./flow-table";
import {
  FL_FIRST, FL_LAST, FL_ACTIVE, FL_UID, FL_PARENT1, FL_PARENT2, FL_HASH, FL_VNI, FL_FLAGS, FL_TUN_KIND, FL_ORIG_DATA,
  FL_EP_ORIG, FL_EP_RESP, EP_PKTS, EP_IP_BYTES, EP_BYTES, EP_STATE, FLF_TUNNEL, FLF_PARENT1, FLF_PARENT2,
  endpoint,
} from "./flow";
import { isMirrorDuplicate } from "./dedup";
import { packetSpace } from "./address-space";
import { historyAppend, historyCheck, H_DATA, L_FLIP } from "./history";
import { isServerPort } from "./server-ports";
import {
  tcpUpdate, isReuse, closeComplete, pastHandshake, streamOffset, TU_TIMED, TU_FLIPPED, TH_SYN, TH_ACK, TH_RST,
  TCP_SYN_SENT, TCP_SYN_ACK_SENT, TCP_INACTIVE,
} from "./tcp-state";
import { appTcp, appUdp } from "./app";
import { Ev, evBegin, evEnd } from "./events";
import { PROTO_TCP, PROTO_UDP, PROTO_ICMP4, PROTO_ICMP6 } from "./ipproto";
import {
  pkt, P_TS_NS, P_TUN_IP, P_TUN_L4, P_TUN_KIND, P_TUN_VNI, P_TCP_SEQ, P_TCP_ACK, P_TCP_FLAGS, P_TCP_WIN,
  P_PAYLOAD, P_PAYLOAD_CAP, P_PAYLOAD_LEN, IP_SRC, IP_DST, IP_LEN, L4_PROTO, L4_IP, L4_SPORT, L4_DPORT, L4_PAYLOAD,
  ipLayer, l4Layer, nTun, nIp, nL4, innermostVni, hasFlag, F_FRAGMENT,
} from "./packet";

@inline const SWEEP_EVERY_NS: u64 = 1_000_000_000;
/** Keeps tunnel uids apart from the uid of an inner flow with the same addresses and ports. */
@inline const TUNNEL_UID_SALT: u64 = 0x74756e6e656c5f31;
/** Silence from the originator after which its next payload starts a data burst. */
@inline const BURST_GAP_NS: u64 = 1_000_000_000;

let flows: FlowTable = changetype<FlowTable>(0);
/** Tunnel sessions, on shard 0 alone (see tunnelSession). */
let tunnels: FlowTable | null = null;
let shard: u32 = 0;
let shards: u32 = 1;
let activeTimeoutNs: u64 = 0;
let appLayer = true;
let clock: u64 = 0;
let nextSweep: u64 = 0;

export function flowStageInit(maxFlows: u32, maxTunnels: u32, shardIndex: u32, shardCount: u32): void {
  shard = shardIndex;
  shards = shardCount;
  flows = new FlowTable(maxFlows, Ctr.FLOW_EXPIRED_IDLE, Ctr.FLOW_EVICTED);
  if (shard == 0) tunnels = new FlowTable(maxTunnels, Ctr.TUNNEL_EXPIRED, Ctr.TUNNEL_EVICTED);
}

/** Whether payloads go to the application layer (off: the packet path alone, for measurements). */
export function setAppLayer(on: bool): void {
  appLayer = on;
}

/** Timeouts in seconds of capture time; active 0 = never split long flows. */
export function setTimeouts(tcpAttempt: u32, tcpOpen: u32, tcpClosed: u32, udp: u32, icmp: u32, active: u32): void {
  for (let i = 0; i < 2; i++) {
    const t = i == 0 ? flows : tunnels;
    if (t == null) break;
    t.timeouts[CL_TCP_ATTEMPT] = <u64>tcpAttempt * 1_000_000_000;
    t.timeouts[CL_TCP_OPEN] = <u64>tcpOpen * 1_000_000_000;
    t.timeouts[CL_TCP_CLOSED] = <u64>tcpClosed * 1_000_000_000;
    t.timeouts[CL_UDP] = <u64>udp * 1_000_000_000;
    t.timeouts[CL_ICMP] = <u64>icmp * 1_000_000_000;
  }
  activeTimeoutNs = <u64>active * 1_000_000_000;
}

/**
 * Move the capture clock to the next frame's time and expire what went idle, at most once a
 * second of capture time. False when the output filled up first: drain it and call again, so
 * that no frame is ever matched against a flow that should already have ended.
 */
export function advanceClock(ts: u64): bool {
  if (ts > clock) clock = ts;
  if (clock < nextSweep) return true;
  const t = tunnels;
  if (!flows.expire(clock) || (t != null && !t.expire(clock))) return false;
  nextSweep = clock + SWEEP_EVERY_NS;
  return true;
}

/** Write out every open record (end of input); false while the output is too full. */
export function flushAll(): bool {
  const t = tunnels;
  return flows.flush(Ctr.FLOW_FLUSHED) && (t == null || t.flush(Ctr.TUNNEL_FLUSHED));
}

function uidOf(f: usize): u64 {
  return mix64(load<u64>(f + FL_HASH) ^ mix64(load<u64>(f + FL_FIRST)));
}

/** ICMP request/reply pairs share one flow (Zeek's ICMP4/6_counterpart); other types key on the code. */
function icmpCounterpart(proto: u32, type: u32, code: u32): u32 {
  if (proto == PROTO_ICMP4) {
    switch (type) {
      case 8: return 0;   case 0: return 8;   // echo
      case 13: return 14; case 14: return 13; // timestamp
      case 15: return 16; case 16: return 15; // information
      case 17: return 18; case 18: return 17; // address mask
      case 10: return 9;  case 9: return 10;  // router solicitation / advertisement
    }
  } else {
    switch (type) {
      case 128: return 129; case 129: return 128; // echo
      case 133: return 134; case 134: return 133; // router
      case 135: return 136; case 136: return 135; // neighbour
      case 130: return 131; case 131: return 130; // multicast listener
      case 139: return 140; case 140: return 139; // node information
      case 144: return 145; case 145: return 144; // home agent address discovery
    }
  }
  return code;
}

/** Zeek's WantConnection role guess for a new TCP or UDP connection, from likely server ports. */
function flipAtStart(proto: u32, sport: u32, dport: u32, tflags: u32): bool {
  if (proto == PROTO_UDP) return isServerPort(sport) && !isServerPort(dport);
  if (proto != PROTO_TCP) return false;
  if ((tflags & TH_SYN) != 0 && (tflags & TH_ACK) == 0) return false; // a plain SYN names its originator
  if (!isServerPort(sport)) return false;
  if (!isServerPort(dport)) return true;
  return (tflags & TH_SYN) == 0 && sport < dport;
}

function timeoutClass(f: usize, proto: u32): u8 {
  if (proto == PROTO_UDP) return CL_UDP;
  if (proto != PROTO_TCP) return CL_ICMP;
  if (closeComplete(f)) return CL_TCP_CLOSED;
  const o = load<u8>(f + FL_EP_ORIG + EP_STATE);
  if ((o == TCP_SYN_SENT || o == TCP_SYN_ACK_SENT) && load<u8>(f + FL_EP_RESP + EP_STATE) == TCP_INACTIVE) {
    return CL_TCP_ATTEMPT;
  }
  return pastHandshake(f) ? CL_TCP_OPEN : CL_UDP; // Zeek gives TCP the UDP timeout until the handshake ends
}

@inline function account(f: usize, fromOrig: bool, ipBytes: u32, payload: u32): void {
  const ep = endpoint(f, fromOrig);
  store<u64>(ep + EP_PKTS, load<u64>(ep + EP_PKTS) + 1);
  store<u64>(ep + EP_IP_BYTES, load<u64>(ep + EP_IP_BYTES) + <u64>ipBytes);
  store<u64>(ep + EP_BYTES, load<u64>(ep + EP_BYTES) + <u64>payload);
}

/** A UDP or ICMP packet: its side is active; UDP adds D / d once per side, as Zeek does. */
@inline function datagram(f: usize, fromOrig: bool, proto: u32): void {
  store<u8>(endpoint(f, fromOrig) + EP_STATE, 1);
  if (proto == PROTO_UDP) historyCheck(f, H_DATA, 0x44 /* D */, fromOrig);
}

@inline function outerIp(t: i32): usize {
  return ipLayer(<i32>load<u8>(pkt + P_TUN_IP + t));
}

@inline function outerUdp(t: i32): usize {
  return l4Layer(<i32>load<u8>(pkt + P_TUN_L4 + t));
}

/** The hash of tunnel t's outer UDP flow. */
function tunnelHash(t: i32): u64 {
  const ip = outerIp(t);
  const l4 = outerUdp(t);
  return flowHash(ip + IP_SRC, load<u16>(l4 + L4_SPORT), ip + IP_DST, load<u16>(l4 + L4_DPORT), PROTO_UDP, 0);
}

/**
 * A tunnel session's uid, from its hash: a function of the outer addresses and ports alone, so
 * that every shard names an inner flow's parent without tracking the tunnels, and a tunnel that
 * goes idle and comes back keeps its uid.
 */
@inline function tunnelUid(h: u64): u64 {
  return mix64(h ^ TUNNEL_UID_SALT);
}

/** Shard 0: account this frame to the tunnel t (outer UDP) session that carried it; its uid. */
function tunnelSession(t: i32, ts: u64): u64 {
  const table = tunnels!;
  const h = tunnelHash(t);
  const uid = tunnelUid(h);
  const ip = outerIp(t);
  const l4 = outerUdp(t);
  const sport = load<u16>(l4 + L4_SPORT);
  const dport = load<u16>(l4 + L4_DPORT);
  let idx = table.find(h, <u8>PROTO_UDP, 0, ip + IP_SRC, sport, ip + IP_DST, dport);
  let fromOrig = table.fromOrig;
  if (idx != 0 && table.endIfStale(idx, clock)) idx = 0;
  if (idx == 0) {
    idx = table.create(h, <u8>PROTO_UDP, 0, ip + IP_SRC, sport, ip + IP_DST, dport, CL_UDP, clock);
    fromOrig = true;
    count(Ctr.TUNNEL_SESSIONS);
    const f = table.rec(idx);
    store<u64>(f + FL_FIRST, ts);
    store<u64>(f + FL_UID, uid);
    store<u8>(f + FL_FLAGS, FLF_TUNNEL);
    store<u8>(f + FL_TUN_KIND, load<u8>(pkt + P_TUN_KIND + t));
    store<u32>(f + FL_VNI, load<u32>(pkt + P_TUN_VNI + (t << 2)));
  }
  const f = table.rec(idx);
  account(f, fromOrig, load<u32>(ip + IP_LEN), <u32>load<u16>(l4 + L4_PAYLOAD));
  datagram(f, fromOrig, PROTO_UDP);
  if (ts > load<u64>(f + FL_LAST)) store<u64>(f + FL_LAST, ts);
  store<u64>(f + FL_ACTIVE, ts);
  return uid;
}

/** Remember the tunnel that carried a packet of this flow (Zeek keeps a set; two fit here). */
function addParent(f: usize, parent: u64): void {
  const flags = load<u8>(f + FL_FLAGS);
  if ((flags & FLF_PARENT1) == 0) {
    store<u64>(f + FL_PARENT1, parent);
    store<u8>(f + FL_FLAGS, flags | FLF_PARENT1);
  } else if (load<u64>(f + FL_PARENT1) != parent && (flags & FLF_PARENT2) == 0) {
    store<u64>(f + FL_PARENT2, parent);
    store<u8>(f + FL_FLAGS, flags | FLF_PARENT2);
  }
}

/**
 * The originator sends payload after a second or more of silence: a data burst, which is how a
 * beacon shows inside one long-lived connection (TLS records on an open session). The first
 * payload of a connection is not one: the connection itself is.
 */
function dataBurst(f: usize, ts: u64): void {
  const prev = load<u64>(f + FL_ORIG_DATA);
  store<u64>(f + FL_ORIG_DATA, ts);
  if (prev == 0 || ts < prev || ts - prev < BURST_GAP_NS) return;
  if (evBegin(Ev.DATA_BURST, f, ts, true)) evEnd();
}

/** Run the flow stage for the frame just decoded. */
export function flowStage(): void {
  const ts = load<u64>(pkt + P_TS_NS);

  const ntun = nTun();
  // shard 0 accounts every tunnelled frame to its session, whichever shard owns the inner flow
  const parent = shard == 0 && ntun > 0 ? tunnelSession(ntun - 1, ts) : 0;

  const nip = nIp();
  const nl4 = nL4();
  if (nip == 0 || hasFlag(F_FRAGMENT) || nl4 == 0 || <i32>load<u8>(l4Layer(nl4 - 1) + L4_IP) != nip - 1) {
    if (shard == 0) count(nip != 0 && hasFlag(F_FRAGMENT) ? Ctr.FLOW_PENDING_FRAG : Ctr.FLOW_NO_KEY);
    return;
  }
  const ip = ipLayer(nip - 1);
  const l4 = l4Layer(nl4 - 1);
  const proto = <u32>load<u8>(l4 + L4_PROTO);
  const sport = <u32>load<u16>(l4 + L4_SPORT);
  let dport = <u32>load<u16>(l4 + L4_DPORT);
  if (proto == PROTO_ICMP4 || proto == PROTO_ICMP6) dport = icmpCounterpart(proto, sport, dport);
  const space = packetSpace();
  const src = ip + IP_SRC;
  const dst = ip + IP_DST;
  const h = flowHash(src, sport, dst, dport, proto, space);
  if (shardOf(h, shards) != shard) return;
  if (isMirrorDuplicate(h)) {
    count(Ctr.FLOW_MIRROR_DUP);
    return;
  }
  count(Ctr.FLOW_PKTS);

  const tflags = <u32>load<u16>(pkt + P_TCP_FLAGS);
  const seq = load<u32>(pkt + P_TCP_SEQ);
  let idx = flows.find(h, <u8>proto, space, src, <u16>sport, dst, <u16>dport);
  let fromOrig = flows.fromOrig;
  if (idx != 0) {
    const f = flows.rec(idx);
    if (flows.endIfStale(idx, clock)) {
      idx = 0;
    } else if (proto == PROTO_TCP && isReuse(f, fromOrig, tflags, seq)) {
      flows.finish(idx);
      idx = 0;
    } else if (activeTimeoutNs != 0 && ts - load<u64>(f + FL_FIRST) >= activeTimeoutNs) {
      count(Ctr.FLOW_EXPIRED_ACTIVE);
      flows.finish(idx);
      idx = 0;
    }
  }
  if (idx == 0) {
    const flip = flipAtStart(proto, sport, dport, tflags);
    idx = flip
      ? flows.create(h, <u8>proto, space, dst, <u16>dport, src, <u16>sport, CL_UDP, clock)
      : flows.create(h, <u8>proto, space, src, <u16>sport, dst, <u16>dport, CL_UDP, clock);
    fromOrig = !flip;
    count(Ctr.FLOW_CREATED);
    const f = flows.rec(idx);
    store<u64>(f + FL_FIRST, ts);
    store<u64>(f + FL_UID, uidOf(f));
    store<u32>(f + FL_VNI, innermostVni());
    if (flip) historyAppend(f, L_FLIP);
  }
  const f = flows.rec(idx);
  if (ntun > 0) addParent(f, shard == 0 ? parent : tunnelUid(tunnelHash(ntun - 1)));
  const payload = load<u32>(pkt + P_PAYLOAD_LEN);
  let timed = true;
  if (proto == PROTO_TCP) {
    account(f, fromOrig, load<u32>(ip + IP_LEN), 0);
    const tu = tcpUpdate(f, fromOrig, tflags, seq, load<u32>(pkt + P_TCP_ACK), <u32>load<u16>(pkt + P_TCP_WIN), payload);
    timed = (tu & TU_TIMED) != 0;
    if ((tu & TU_FLIPPED) != 0) fromOrig = !fromOrig;
    if (fromOrig && payload > 0) dataBurst(f, ts);
    if (appLayer && payload > 0 && (tflags & TH_RST) == 0) {
      const cap = load<u32>(pkt + P_PAYLOAD_CAP);
      appTcp(f, fromOrig, streamOffset(f, fromOrig, seq, (tflags & TH_SYN) != 0), <usize>load<u32>(pkt + P_PAYLOAD),
        cap < payload ? cap : payload, payload, ts);
    }
  } else {
    account(f, fromOrig, load<u32>(ip + IP_LEN), proto == PROTO_UDP ? <u32>load<u16>(l4 + L4_PAYLOAD) : payload);
    datagram(f, fromOrig, proto);
    if (appLayer && proto == PROTO_UDP) appUdp(f, fromOrig, <usize>load<u32>(pkt + P_PAYLOAD), load<u32>(pkt + P_PAYLOAD_CAP), ts);
  }
  if (timed && ts > load<u64>(f + FL_LAST)) store<u64>(f + FL_LAST, ts);
  store<u64>(f + FL_ACTIVE, ts);
  flows.setClass(idx, timeoutClass(f, proto), clock);
}
