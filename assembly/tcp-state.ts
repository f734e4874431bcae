// TCP connection tracking as Zeek's TCP analyzer does it for conn.log (TCPSessionAdapter):
// endpoint states, sequence-space sizes, history letters, retransmissions, content gaps and the
// SYN / SYN-ACK reversal. Sequence numbers are kept relative to each side's start in 64 bits,
// so sizes survive wrap-around and multi-gigabyte flows.

import {
  FL_MISSED, FL_PROTO, EP_START, EP_REL_LAST, EP_REL_ACK, EP_HIST_SYN, EP_HIST_FIN, EP_HIST_RST, EP_HOLE,
  EP_HOLE_LEN, EP_RETX, EP_ZWIN, EP_GAPS, EP_STATE, EP_PREV_STATE, EP_FLAGS, EP_BYTES, EPF_INIT, EPF_FIN,
  EPF_CLOSED, EPF_HSYN, EPF_HFIN, EPF_HRST, FL_EP_ORIG, FL_EP_RESP, endpoint, flipRoles,
} from "./flow";
import {
  historyCheck, historyScaled, historyAdd, L_FLIP, H_SYN, H_FIN, H_RST, H_FIN_RST, H_DATA, H_ACK, H_MULTI,
} from "./history";
import { PROTO_TCP } from "./ipproto";

// Endpoint states (Zeek's TCP_ENDPOINT_*)
export const TCP_INACTIVE: u8 = 0;
export const TCP_SYN_SENT: u8 = 1;
export const TCP_SYN_ACK_SENT: u8 = 2;
export const TCP_PARTIAL: u8 = 3;
export const TCP_ESTABLISHED: u8 = 4;
export const TCP_CLOSED: u8 = 5;
export const TCP_RESET: u8 = 6;

// TCP flags
export const TH_FIN: u32 = 0x01;
export const TH_SYN: u32 = 0x02;
export const TH_RST: u32 = 0x04;
export const TH_ACK: u32 = 0x10;

@inline const TOO_LARGE_SEQ_DELTA: i32 = 1048576;

@inline function state(ep: usize): u8 {
  return load<u8>(ep + EP_STATE);
}

function setState(ep: usize, s: u8): void {
  const cur = load<u8>(ep + EP_STATE);
  if (cur == s) return;
  store<u8>(ep + EP_PREV_STATE, cur);
  store<u8>(ep + EP_STATE, s);
}

@inline function epFlag(ep: usize, b: u8): bool {
  return (load<u8>(ep + EP_FLAGS) & b) != 0;
}

@inline function setEpFlag(ep: usize, b: u8): void {
  store<u8>(ep + EP_FLAGS, load<u8>(ep + EP_FLAGS) | b);
}

/** A sequence number relative to the endpoint's start, placed in its 64-bit space near `near`. */
@inline function rel64(ep: usize, seq: u32, near: u64): u64 {
  const d = <i32>(seq - load<u32>(ep + EP_START) - <u32>near);
  return <u64>(<i64>near + <i64>d);
}

@inline function isHandshake(s: u8): bool {
  return s == TCP_INACTIVE || s == TCP_SYN_SENT || s == TCP_SYN_ACK_SENT;
}

/** Whether the handshake is over for both sides (Zeek then uses the long inactivity timeout). */
export function pastHandshake(f: usize): bool {
  return !isHandshake(state(f + FL_EP_ORIG)) || !isHandshake(state(f + FL_EP_RESP));
}

/** A SYN on a finished connection's ports starts a new connection (Zeek's IsReuse, simplified). */
export function isReuse(f: usize, fromOrig: bool, flags: u32, seq: u32): bool {
  if ((flags & (TH_SYN | TH_ACK)) != TH_SYN) return false;
  const e = endpoint(f, fromOrig);
  const s = state(e);
  if (s != TCP_CLOSED && s != TCP_RESET) return false;
  return !epFlag(e, EPF_INIT) || load<u32>(e + EP_START) != seq;
}

/** tcpUpdate's answer: the packet's time counts for the duration (Zeek stops once both sides closed). */
export const TU_TIMED: u32 = 1;
/** tcpUpdate's answer: the roles were reversed, the packet's sender is now the other side. */
export const TU_FLIPPED: u32 = 2;

/** Where a segment's data starts in its sender's byte stream (0 = the first byte after the SYN). */
export function streamOffset(f: usize, fromOrig: bool, seq: u32, syn: bool): u64 {
  const e = endpoint(f, fromOrig);
  return rel64(e, seq + (syn ? 1 : 0), load<u64>(e + EP_REL_LAST)) - 1;
}

/** Account one segment. len: payload length per the headers. Returns TU_* bits. */
export function tcpUpdate(f: usize, fromOrig: bool, flags: u32, seq: u32, ack: u32, win: u32, len: u32): u32 {
  let e = endpoint(f, fromOrig);
  let p = endpoint(f, !fromOrig);
  const syn = (flags & TH_SYN) != 0;
  const ackf = (flags & TH_ACK) != 0;
  const fin = (flags & TH_FIN) != 0;
  const rst = (flags & TH_RST) != 0;
  const countsForDuration = !epFlag(e, EPF_CLOSED) || !epFlag(p, EPF_CLOSED);
  const segLen: u32 = (rst ? 0 : len) + (syn ? 1 : 0) + (fin ? 1 : 0);

  // init_endpoint: a side not yet past INACTIVE starts its sequence space at this segment, and
  // so does a SYN with a new sequence number (Zeek's SYN_seq_jump / SYN_inside_connection)
  if (state(e) == TCP_INACTIVE || (syn && state(e) != TCP_CLOSED && state(e) != TCP_RESET && seq != load<u32>(e + EP_START))) {
    const start = syn ? seq : seq - 1;
    store<u32>(e + EP_START, start);
    store<u64>(e + EP_REL_ACK, 0);
    store<u64>(e + EP_REL_LAST, syn ? <u64>segLen : 1);
    setEpFlag(e, EPF_INIT);
  }
  const relLast = load<u64>(e + EP_REL_LAST);
  const relSeq = <u32>rel64(e, seq, relLast);

  history(f, e, fromOrig, syn, ackf, fin, rst, relSeq, len);
  if (win == 0 && !rst && state(p) != TCP_CLOSED && state(e) != TCP_RESET) {
    historyScaled(f, e + EP_ZWIN, 0x57 /* W */, fromOrig);
  }

  // the peer's acknowledgements of this side's data
  let ackedRel: u64 = 0;
  let prevAck: u64 = 0;
  if (ackf) {
    if (state(p) == TCP_INACTIVE && !epFlag(p, EPF_INIT)) {
      store<u32>(p + EP_START, ack - 1);
      store<u64>(p + EP_REL_ACK, 1);
      store<u64>(p + EP_REL_LAST, 0);
      setEpFlag(p, EPF_INIT);
    } else if (!rst && epFlag(p, EPF_INIT)) {
      prevAck = load<u64>(p + EP_REL_ACK);
      const a = rel64(p, ack, prevAck);
      if (<i64>a > <i64>prevAck) {
        store<u64>(p + EP_REL_ACK, a);
        ackedRel = a;
      }
    }
  }

  // update_last_seq, with our gap bookkeeping for missed bytes
  const dataStart = relLast + <u64>(<i64><i32>(seq + (syn ? 1 : 0) - load<u32>(e + EP_START) - <u32>relLast));
  const segEnd = rel64(e, seq + segLen, relLast);
  const delta = <i64>segEnd - <i64>relLast;
  if (len > 0 && !rst) trackHole(e, relLast, dataStart, dataStart + <u64>len);
  if ((syn || rst) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
    // an implausible jump on a SYN or RST: not trusted
  } else if (fin && relLast == 1) {
    store<u64>(e + EP_REL_LAST, segEnd);
  } else if (state(e) == TCP_RESET) {
    // nothing after a reset is trusted
  } else if (delta > 0) {
    store<u64>(e + EP_REL_LAST, segEnd);
  } else if (len > 0) {
    historyScaled(f, e + EP_RETX, 0x54 /* T */, fromOrig);
  }
  if (fin) setEpFlag(e, EPF_FIN);

  const flipped = stateMachine(f, e, p, fromOrig, syn, ackf, fin, rst, seq, len);
  if (flipped) {
    e = endpoint(f, !fromOrig);
    p = endpoint(f, fromOrig);
  }
  if (ackedRel != 0) ackReceived(f, p, !fromOrig != flipped, e, prevAck, ackedRel);
  return (countsForDuration ? TU_TIMED : 0) | (flipped ? TU_FLIPPED : 0);
}

/** update_history: which letter this segment adds. */
function history(f: usize, e: usize, orig: bool, syn: bool, ack: bool, fin: bool, rst: bool, relSeq: u32, len: u32): void {
  const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst) historyCheck(f, H_FIN_RST, 0x49 /* I */, orig);
    else historyCheck(f, H_MULTI, 0x51 /* Q */, orig);
  } else if (bits == 1) {
    if (syn) repeatable(f, e, H_SYN, ack ? 0x48 /* H */ : 0x53 /* S */, EP_HIST_SYN, EPF_HSYN, relSeq, orig);
    if (fin) repeatable(f, e, H_FIN, 0x46 /* F */, EP_HIST_FIN, EPF_HFIN, relSeq + len, orig);
    if (rst) repeatable(f, e, H_RST, 0x52 /* R */, EP_HIST_RST, EPF_HRST, relSeq, orig);
  } else if (len > 0) {
    historyCheck(f, H_DATA, 0x44 /* D */, orig);
  } else if (ack) {
    historyCheck(f, H_ACK, 0x41 /* A */, orig);
  }
}

/** S, H, F, R: the first time, and again whenever the flag comes with a new sequence number. */
function repeatable(f: usize, e: usize, bit: u32, c: u8, last: usize, haveBit: u8, pos: u32, orig: bool): void {
  if (historyCheck(f, bit, c, orig) && (!epFlag(e, haveBit) || load<u32>(e + last) != pos)) historyAdd(f, c, orig);
  store<u32>(e + last, pos);
  setEpFlag(e, haveBit);
}

/** Open a gap when data starts past what was seen; shrink the open gap when data lands in it. */
function trackHole(e: usize, relLast: u64, start: u64, end: u64): void {
  const holeLen = <u64>load<u32>(e + EP_HOLE_LEN);
  if (<i64>start > <i64>relLast) {
    if (holeLen == 0 && start - relLast < 0x7fffffff) {
      store<u32>(e + EP_HOLE, <u32>relLast);
      store<u32>(e + EP_HOLE_LEN, <u32>(start - relLast));
    }
    return;
  }
  if (holeLen == 0) return;
  const hole = <u64>load<u32>(e + EP_HOLE) | (relLast & 0xffffffff00000000);
  const holeEnd = hole + holeLen;
  if (end <= hole || start >= holeEnd) return;
  if (start <= hole) {
    const newStart = end < holeEnd ? end : holeEnd;
    store<u32>(e + EP_HOLE, <u32>newStart);
    store<u32>(e + EP_HOLE_LEN, <u32>(holeEnd - newStart));
  } else {
    store<u32>(e + EP_HOLE_LEN, <u32>(start - hole)); // keep the front part open
  }
}

/**
 * The peer acknowledged this side's data up to `acked`: an open gap it passed, or acknowledged
 * bytes never seen at all, are content gaps (G, missed_bytes), counted as Zeek does only while
 * both sides are established or cleanly closing.
 */
function ackReceived(f: usize, dataSide: usize, dataOrig: bool, ackSide: usize, prevAck: u64, acked: u64): void {
  if (!isClean(dataSide) || !isClean(ackSide)) return;
  let missed: u64 = 0;
  const holeLen = <u64>load<u32>(dataSide + EP_HOLE_LEN);
  const relLast = load<u64>(dataSide + EP_REL_LAST);
  if (holeLen != 0) {
    const hole = <u64>load<u32>(dataSide + EP_HOLE) | (relLast & 0xffffffff00000000);
    if (acked >= hole + holeLen) {
      missed += holeLen;
      store<u32>(dataSide + EP_HOLE_LEN, 0);
    }
  }
  const from = relLast > prevAck ? relLast : prevAck;
  if (acked > from) missed += acked - from;
  if (missed == 0) return;
  store<u64>(f + FL_MISSED, load<u64>(f + FL_MISSED) + missed);
  historyScaled(f, dataSide + EP_GAPS, 0x47 /* G */, dataOrig);
}

@inline function isClean(ep: usize): bool {
  const s = state(ep);
  return s == TCP_ESTABLISHED || (s == TCP_CLOSED && load<u8>(ep + EP_PREV_STATE) == TCP_ESTABLISHED);
}

/**
 * A FIN closes the endpoint, a RST resets it: both in that order, since EP_PREV_STATE keeps the
 * state before the last change (CLOSED before RESET when a segment carries both). Whether either did.
 */
function closeOn(e: usize, fin: bool, rst: bool): bool {
  if (fin) setState(e, TCP_CLOSED);
  if (rst) setState(e, TCP_RESET);
  return fin || rst;
}

/** Zeek's UpdateStateMachine. Returns true when the roles were reversed (SYN / SYN-ACK order). */
function stateMachine(f: usize, e: usize, p: usize, orig: bool, syn: bool, ack: bool, fin: bool, rst: bool,
  seq: u32, len: u32): bool {
  let flipped = false;
  let doClose = false;
  const s = state(e);
  if (s == TCP_INACTIVE) {
    if (syn) {
      if (orig) {
        setState(e, ack ? TCP_SYN_ACK_SENT : TCP_SYN_SENT);
      } else {
        if (!ack && state(p) == TCP_SYN_ACK_SENT && seq == load<u32>(e + EP_START)) {
          flipRoles(f);
          historyAdd(f, L_FLIP, true);
          flipped = true;
          const t = e;
          e = p;
          p = t;
          setState(p, TCP_ESTABLISHED);
        }
        if (state(p) == TCP_SYN_SENT) setState(p, TCP_ESTABLISHED);
        setState(e, TCP_ESTABLISHED);
      }
    }
    doClose = closeOn(e, fin, rst);
    if (state(e) == TCP_INACTIVE) {
      const origState = state(orig ? e : p);
      if (!orig && len == 0 && origState == TCP_SYN_SENT) {
        // an ACK for the SYN before the SYN-ACK: not a partial connection
      } else if (ack && state(p) == TCP_ESTABLISHED) {
        setState(e, TCP_ESTABLISHED); // the SYN was missed, the SYN-ACK was not
      } else {
        setState(e, TCP_PARTIAL);
      }
    }
  } else if (s == TCP_SYN_SENT || s == TCP_SYN_ACK_SENT) {
    doClose = closeOn(e, fin, rst);
  } else if (s == TCP_ESTABLISHED || s == TCP_PARTIAL) {
    if (syn && s == TCP_PARTIAL && state(p) == TCP_INACTIVE && !ack) setState(e, TCP_SYN_SENT);
    // the peer's FIN then RST was a normal close after all (Zeek turns it back into CLOSED)
    if (fin && !rst && state(p) == TCP_RESET && load<u8>(p + EP_PREV_STATE) == TCP_CLOSED) setState(p, TCP_CLOSED);
    doClose = closeOn(e, fin && !rst, rst);
  } else if (s == TCP_CLOSED) {
    doClose = closeOn(e, false, rst && state(p) != TCP_CLOSED);
  }
  if (doClose) setEpFlag(e, EPF_CLOSED);
  return flipped;
}

/** Whether the connection is over: a reset, both sides closed, or a close with no one answering. */
export function closeComplete(f: usize): bool {
  const o = f + FL_EP_ORIG;
  const r = f + FL_EP_RESP;
  const so = state(o);
  const sr = state(r);
  if (so == TCP_RESET || sr == TCP_RESET) return true;
  if (epFlag(o, EPF_CLOSED) && epFlag(r, EPF_CLOSED)) return true;
  return (epFlag(o, EPF_CLOSED) && sr == TCP_INACTIVE) || (epFlag(r, EPF_CLOSED) && so == TCP_INACTIVE);
}

/** Zeek's TCP_Endpoint::Size(): payload bytes by sequence space, into EP_BYTES. */
function size(e: usize, p: usize): u64 {
  if (!epFlag(e, EPF_INIT)) return 0;
  const relAck = load<u64>(e + EP_REL_ACK);
  if (load<u8>(e + EP_PREV_STATE) == TCP_SYN_SENT && state(e) == TCP_RESET && state(p) == TCP_INACTIVE &&
      relAck > 1) return 0;
  const relLast = load<u64>(e + EP_REL_LAST);
  let n = <i64>relLast > <i64>relAck ? <i64>relLast : <i64>relAck;
  if (n <= 0) return 0; // sequence numbers that went backwards are not a size
  n--;
  if (epFlag(e, EPF_FIN) && n != 0) n--;
  return <u64>n;
}

/** Close the books before a TCP record is written. */
export function tcpFinish(f: usize): void {
  if (load<u8>(f + FL_PROTO) != <u8>PROTO_TCP) return;
  const o = f + FL_EP_ORIG;
  const r = f + FL_EP_RESP;
  store<u64>(o + EP_BYTES, size(o, r));
  store<u64>(r + EP_BYTES, size(r, o));
}
