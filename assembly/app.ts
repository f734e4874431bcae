// The application layer's front door: which protocol a connection speaks (from its first bytes,
// or its port for DNS), the in-order delivery of each direction's bytes to that protocol's
// parser, and the stream buffers (stream.ts) for what a parser cannot take yet. Parsers are
// resumable: they get the bytes that follow what they consumed, say how many they took (the rest
// comes back with the next bytes), or PARSER_DONE when they want no more of that direction. A
// parser that takes nothing of a full stream window (a message larger than the window) ends its
// direction, counted here once for every protocol (stream.window_full).

import { Ctr, count } from "./counters";
import {
  FL_APP_PROTO, FL_APP_FLAGS, FL_STREAM_ORIG, FL_STREAM_RESP, FL_OPORT, FL_RPORT, FL_LAST, FL_DIR_ORIG, FL_DIR_RESP,
  DIR_CONSUMED, DIR_STATE,
} from "./flow";
import {
  streamAlloc, streamFree, streamBuf, streamData, streamContig, streamHold, streamConsume, streamEmpty, streamWindow,
} from "./stream";
import { httpStream, looksLikeHttp } from "./http";
import { dnsMessage, dnsTcpStream } from "./dns";
import { tlsStream } from "./tls";
import { Ev, Fld, evBegin, evBytes, evEnd } from "./events";

export const APP_NONE: u8 = 0;     // not known yet
export const APP_HTTP: u8 = 1;
export const APP_TLS: u8 = 2;
export const APP_DNS: u8 = 3;
export const APP_QUIC: u8 = 4;
export const APP_OTHER: u8 = 255;  // not a protocol analysed here

@inline const AF_DONE_ORIG: u8 = 1;
@inline const AF_DONE_RESP: u8 = 2;

/** A parser's answer when it wants no more bytes of a direction. */
export const PARSER_DONE: u32 = 0xffffffff;

/** Bytes needed to tell protocols apart. */
@inline const DETECT_BYTES: u32 = 4;

/** DNS, and its multicast (mDNS) and link-local (LLMNR) forms, over UDP or TCP. */
function dnsPorts(f: usize): bool {
  const op = load<u16>(f + FL_OPORT);
  const rp = load<u16>(f + FL_RPORT);
  return op == 53 || rp == 53 || op == 5353 || rp == 5353 || op == 5355 || rp == 5355;
}

/** Note what the connection speaks; one that speaks nothing analysed here is counted. */
function setProto(f: usize, proto: u8): void {
  store<u8>(f + FL_APP_PROTO, proto);
  if (proto == APP_OTHER) count(Ctr.APP_UNKNOWN);
}

/** What a TCP connection speaks, from the first bytes of one direction; APP_NONE: need more. */
function detect(f: usize, data: usize, len: u32): u8 {
  if (dnsPorts(f)) return APP_DNS;
  if (len >= 3 && load<u8>(data) == 0x16 && load<u8>(data, 1) == 3 && load<u8>(data, 2) <= 4) return APP_TLS;
  if (len < DETECT_BYTES) return APP_NONE;
  if (looksLikeHttp(data, len)) return APP_HTTP;
  return APP_OTHER;
}

/** A direction's stream position and parser state (DIR_*). */
@inline function dirOf(f: usize, fromOrig: bool): usize {
  return f + (fromOrig ? FL_DIR_ORIG : FL_DIR_RESP);
}

@inline function slotOf(f: usize, fromOrig: bool): usize {
  return f + (fromOrig ? FL_STREAM_ORIG : FL_STREAM_RESP);
}

@inline function doneFlag(fromOrig: bool): u8 {
  return fromOrig ? AF_DONE_ORIG : AF_DONE_RESP;
}

/** Give [data, data+len) to the connection's parser; how many bytes it took, or PARSER_DONE. */
function parse(f: usize, fromOrig: bool, data: usize, len: u32, ts: u64, final: bool): u32 {
  let proto = load<u8>(f + FL_APP_PROTO);
  if (proto == APP_NONE) {
    proto = detect(f, data, len);
    if (proto == APP_NONE) return final ? PARSER_DONE : 0;
    setProto(f, proto);
  }
  const st = dirOf(f, fromOrig) + DIR_STATE;
  if (proto == APP_HTTP) return httpStream(f, fromOrig, data, len, st, ts, final);
  if (proto == APP_DNS) return dnsTcpStream(f, fromOrig, data, len, ts);
  if (proto == APP_TLS) return tlsStream(f, fromOrig, data, len, st, ts, final);
  return PARSER_DONE;
}

/** This direction is over for the parser: free its buffer, ignore its bytes from now on. */
function done(f: usize, fromOrig: bool): void {
  const slot = slotOf(f, fromOrig);
  const sb = load<u32>(slot);
  if (sb != 0) streamFree(sb);
  store<u32>(slot, 0);
  store<u8>(f + FL_APP_FLAGS, load<u8>(f + FL_APP_FLAGS) | doneFlag(fromOrig));
}

/**
 * Give the parser [data, data+len), the bytes at the direction's consumed offset, and move that
 * offset past what it took: returns how many, or PARSER_DONE (the direction is then done).
 */
function take(f: usize, fromOrig: bool, data: usize, len: u32, ts: u64): u32 {
  const n = parse(f, fromOrig, data, len, ts, false);
  if (n == PARSER_DONE) {
    done(f, fromOrig);
    return n;
  }
  const consumedAt = dirOf(f, fromOrig) + DIR_CONSUMED;
  store<u64>(consumedAt, load<u64>(consumedAt) + <u64>n);
  return n;
}

/** The direction's buffer, taken from the pool if it has none; 0 (the direction done) when the pool is empty. */
function bufferOf(f: usize, fromOrig: bool): u32 {
  const slot = slotOf(f, fromOrig);
  let sb = load<u32>(slot);
  if (sb == 0) {
    sb = streamAlloc();
    if (sb == 0) done(f, fromOrig);
    else store<u32>(slot, sb);
  }
  return sb;
}

/** The direction ends with [data, data+len) as its last bytes: its parser closes what it has. */
function close(f: usize, fromOrig: bool, data: usize, len: u32, ts: u64): void {
  parse(f, fromOrig, data, len, ts, true);
  done(f, fromOrig);
}

/**
 * Run the parser over the buffer's in-order bytes; drop what it took; free the buffer once empty.
 * False when the direction is over: the parser wants no more, or the window is full of bytes it
 * cannot take yet (a message larger than the window: counted, whatever the protocol).
 */
function drainBuffer(f: usize, fromOrig: bool, sb: u32, ts: u64): bool {
  const b = streamBuf(sb);
  const len = streamContig(b);
  const n = take(f, fromOrig, streamData(b), len, ts);
  if (n == PARSER_DONE) return false;
  if (n == 0 && len == streamWindow()) {
    count(Ctr.STREAM_WINDOW_FULL);
    close(f, fromOrig, streamData(b), len, ts);
    return false;
  }
  streamConsume(b, n);
  if (streamEmpty(b)) {
    streamFree(sb);
    store<u32>(slotOf(f, fromOrig), 0);
  }
  return true;
}

/**
 * Hold [ptr, ptr+len), the bytes at stream offset `off`, in the direction's buffer, and run the
 * parser when that extends the in-order bytes. A segment longer than the window has room for goes
 * in piece by piece as the parser consumes. `seen`: the parser was just given these bytes and
 * wants more. False when the direction is over.
 */
function hold(f: usize, fromOrig: bool, off: u64, ptr: usize, len: u32, ts: u64, seen: bool): bool {
  const consumedAt = dirOf(f, fromOrig) + DIR_CONSUMED;
  while (true) {
    const sb = bufferOf(f, fromOrig);
    if (sb == 0) return false;
    const b = streamBuf(sb);
    const before = streamContig(b);
    const at = off - load<u64>(consumedAt);
    const held = streamHold(b, at, ptr, len);
    if (seen && held == len && held < streamWindow()) return true;
    if (streamContig(b) == before) {
      // nothing new in order for the parser; early bytes past the window are dropped
      if (at + <u64>len > <u64>streamWindow()) count(Ctr.STREAM_WINDOW_FULL);
      return true;
    }
    if (!drainBuffer(f, fromOrig, sb, ts)) return false;
    if (held == len) return true;
    off += held;
    ptr += held;
    len -= held;
    seen = false;
  }
}

/**
 * A TCP segment's payload: `declared` bytes at stream offset `off` (0 = the first byte after
 * the SYN), of which the first `cap` were captured, at ptr.
 */
export function appTcp(f: usize, fromOrig: bool, off: u64, ptr: usize, cap: u32, declared: u32, ts: u64): void {
  if (load<u8>(f + FL_APP_PROTO) == APP_OTHER || (load<u8>(f + FL_APP_FLAGS) & doneFlag(fromOrig)) != 0) return;
  const consumed = load<u64>(dirOf(f, fromOrig) + DIR_CONSUMED);
  if (off + <u64>declared <= consumed) return; // all of it seen before
  if (off < consumed) {
    const skip = <u32>(consumed - off); // the part seen before
    if (skip >= cap) {
      count(Ctr.STREAM_GAP); // what follows was not captured
      finishDirection(f, fromOrig, ts);
      return;
    }
    ptr += skip;
    cap -= skip;
    declared -= skip;
    off = consumed;
  }
  let seen = false;
  if (load<u32>(slotOf(f, fromOrig)) == 0 && off == consumed) {
    // in order with nothing pending: straight from the packet; what the parser leaves waits
    const n = take(f, fromOrig, ptr, cap, ts);
    if (n == PARSER_DONE) return;
    ptr += n;
    cap -= n;
    declared -= n;
    off += n;
    seen = true;
  }
  if (cap > 0 && !hold(f, fromOrig, off, ptr, cap, ts, seen)) return;
  if (cap < declared) {
    // the rest of this segment was not captured: the stream cannot go on past it
    count(Ctr.STREAM_GAP);
    finishDirection(f, fromOrig, ts);
  }
}

/** No more bytes will come for a direction: its parser closes what it has; the buffer goes back. */
function finishDirection(f: usize, fromOrig: bool, ts: u64): void {
  if ((load<u8>(f + FL_APP_FLAGS) & doneFlag(fromOrig)) != 0) return;
  const sb = load<u32>(slotOf(f, fromOrig));
  if (sb != 0) {
    const b = streamBuf(sb);
    close(f, fromOrig, streamData(b), streamContig(b), ts);
  } else {
    close(f, fromOrig, 0, 0, ts);
  }
}

/** The connection ends: parsers close what they have, buffers go back to the pool. */
export function appFinish(f: usize): void {
  const proto = load<u8>(f + FL_APP_PROTO);
  if (proto == APP_NONE || proto == APP_OTHER) {
    if (load<u32>(f + FL_STREAM_ORIG) != 0) done(f, true);
    if (load<u32>(f + FL_STREAM_RESP) != 0) done(f, false);
    return;
  }
  const ts = load<u64>(f + FL_LAST);
  finishDirection(f, true, ts);
  finishDirection(f, false, ts);
}

/** QUIC Initial packets passed to the host per connection (a ClientHello may span several). */
@inline const QUIC_INITIALS: u8 = 4;

/** What a UDP flow speaks, from its ports and first datagram. */
function detectUdp(f: usize, data: usize, len: u32): u8 {
  if (dnsPorts(f)) return APP_DNS;
  // QUIC v1 long header: form and fixed bits set, version 1
  if (len >= 7 && (load<u8>(data) & 0xc0) == 0xc0 && bswap<u32>(load<u32>(data, 1)) == 1) return APP_QUIC;
  return APP_OTHER;
}

/**
 * A UDP datagram's payload, `cap` bytes of it captured at ptr. QUIC v1 Initial packets from the
 * client are handed to the host, which holds the keys' derivation (node:crypto) and gives the
 * ClientHello inside back to the TLS parser.
 */
export function appUdp(f: usize, fromOrig: bool, ptr: usize, cap: u32, ts: u64): void {
  let proto = load<u8>(f + FL_APP_PROTO);
  if (proto == APP_OTHER) return;
  if (proto == APP_NONE) {
    if (cap == 0) return;
    proto = detectUdp(f, ptr, cap);
    setProto(f, proto);
    if (proto == APP_OTHER) return;
  }
  if (proto == APP_DNS) {
    dnsMessage(f, fromOrig, ptr, cap, ts);
    return;
  }
  if (proto == APP_QUIC) {
    // Initial packets: long header, type 0 (bits 4-5 of the first byte)
    const sent = load<u8>(f + FL_APP_FLAGS) >> 4;
    if (!fromOrig || sent >= QUIC_INITIALS || cap < 7 || (load<u8>(ptr) & 0xf0) != 0xc0) return;
    store<u8>(f + FL_APP_FLAGS, (load<u8>(f + FL_APP_FLAGS) & 0x0f) | <u8>((sent + 1) << 4));
    evBegin(Ev.QUIC_INITIAL, f, ts, true);
    evBytes(Fld.PACKET, ptr, cap);
    evEnd();
  }
}
