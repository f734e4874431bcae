// TLS handshakes (RFC 5246, RFC 8446) in clear: the ClientHello, the ServerHello and the server's
// certificate chain, up to the point where the handshake goes encrypted.
//
//   record:     u8 content type (20 change_cipher_spec, 21 alert, 22 handshake,
//               23 application_data, 24 heartbeat)  u16 version (3.x)  u16 length (at most
//               2^14 + 2048)  then `length` bytes
//   handshake:  u8 type  u24 length  body. A message may span records (and TCP segments), and a
//               record may hold several messages.
//   ClientHello:  u16 version  32 random  u8 n + session id  u16 n + cipher suites (u16 each)
//                 u8 n + compression methods  [u16 n + extensions]
//   ServerHello:  u16 version  32 random  u8 n + session id  u16 cipher suite  u8 compression
//                 [u16 n + extensions]
//   extension:    u16 type  u16 n  data: server_name (0): u16 n + (u8 type, u16 n, name)*;
//                 ALPN (16): u16 n + (u8 n, protocol)*; supported_groups (10) and
//                 signature_algorithms (13): u16 n + u16*; ec_point_formats (11): u8 n + u8*;
//                 supported_versions (43): client u8 n + u16*, server one u16
//   Certificate (TLS <= 1.2): u24 n + (u24 n + DER certificate)*
//
// Resumable: a direction's parser is handed the bytes from its last stopping point, which is a
// record boundary or a message boundary inside a handshake record (the per-direction state says
// which). Each call gathers the handshake bytes of the records at hand into a scratch buffer,
// reads the whole messages among them, and consumes up to the end of the last one; an
// unfinished message stays unconsumed and comes back with the next bytes, once there are at least
// as many as the message is long (its handshake bytes alone need that many). A message that can
// never fit in the stream window is skipped by its length (counted). The client's side stops
// after its ClientHello; the server's after a TLS 1.3 ServerHello (all that follows is
// encrypted) or its ServerHelloDone; either at a change_cipher_spec or application data record.

import { be16, be24 } from "./bytes";
import { Ctr, count } from "./counters";
import { Ev, Fld, evBegin, evBytes, evU32, evU16sBE, evU8sAsU16s, evEnd, eventsUsed } from "./events";
import { PARSER_DONE } from "./app";
import { streamWindow } from "./stream";

// Parser state, per direction (the flow's DIR_STATE area)
@inline const TS_MODE: usize = 0;      // u8 M_STOP once this direction is done (0 until then)
@inline const TS_REC_LEFT: usize = 4;  // u32 its bytes after the stopping point (0: at a record header)
@inline const TS_SKIP: usize = 8;      // u32 handshake bytes still to skip (a message too large)
@inline const TS_NEED: usize = 12;     // u32 bytes the message at the stopping point needs at least

@inline const M_STOP: u8 = 1;

@inline const CT_CHANGE_CIPHER_SPEC: u32 = 20;
@inline const CT_HANDSHAKE: u32 = 22;
@inline const CT_APPLICATION_DATA: u32 = 23;
@inline const CT_HEARTBEAT: u32 = 24;

@inline const HT_CLIENT_HELLO: u32 = 1;
@inline const HT_SERVER_HELLO: u32 = 2;
@inline const HT_CERTIFICATE: u32 = 11;
@inline const HT_SERVER_HELLO_DONE: u32 = 14;

@inline const EXT_SERVER_NAME: u32 = 0;
@inline const EXT_SUPPORTED_GROUPS: u32 = 10;
@inline const EXT_EC_POINT_FORMATS: u32 = 11;
@inline const EXT_SIGNATURE_ALGORITHMS: u32 = 13;
@inline const EXT_ALPN: u32 = 16;
@inline const EXT_SUPPORTED_VERSIONS: u32 = 43;

@inline const RECORD_HDR: u32 = 5;
@inline const MAX_RECORD: u32 = 16384 + 2048;
@inline const MSG_HDR: u32 = 4;
/** The scratch buffer: a stream window's handshake bytes, or a ClientHello from the host. */
@inline export const SCRATCH: u32 = 64 << 10;

let scratch: usize = 0;
/** Extension types of the message being read, as on the wire (big-endian u16s). */
let types: usize = 0;
/** A zeroed flow record for events that belong to no TCP flow (tlsParseClientHello). */
let noFlow: usize = 0;
/** The version a ServerHello's supported_versions extension selected (0: none). */
let selected: u32 = 0;

export function tlsInit(): void {
  scratch = heap.alloc(SCRATCH);
  types = heap.alloc(SCRATCH >> 1);
  noFlow = heap.alloc(512);
  memory.fill(noFlow, 0, 512);
}

@inline function malformed(): bool {
  count(Ctr.TLS_MALFORMED);
  return false;
}

// What walk() found
@inline const W_MORE: u8 = 0;      // ran out of bytes (or scratch)
@inline const W_ENCRYPTED: u8 = 1; // reached change_cipher_spec or application data
@inline const W_MALFORMED: u8 = 2; // a record header that is not TLS
let wPos: u32 = 0;   // where the walk stopped in the data
let wLeft: u32 = 0;  // bytes left in the handshake record it stopped in
let wHs: u32 = 0;    // handshake bytes passed
let wEnd: u8 = W_MORE;

/**
 * Walk the records of [data, data+len) from the direction's stopping point. With target < 0,
 * copy every handshake byte into the scratch buffer (as many as fit); otherwise stop at handshake
 * byte `target`, inside the record that holds it. Alerts and heartbeats are passed over whole.
 */
function walk(data: usize, len: u32, st: usize, target: i64): void {
  let pos: u32 = 0;
  let left = load<u32>(st + TS_REC_LEFT);
  let hs: u32 = 0;
  let end = W_MORE;
  while (true) {
    if (left == 0) {
      if (len - pos < RECORD_HDR) break;
      const t = <u32>load<u8>(data + pos);
      const rlen = be16(data + pos + 3);
      if (load<u8>(data + pos + 1) != 3 || rlen > MAX_RECORD || t < CT_CHANGE_CIPHER_SPEC || t > CT_HEARTBEAT) {
        end = W_MALFORMED;
        break;
      }
      if (t == CT_CHANGE_CIPHER_SPEC || t == CT_APPLICATION_DATA) {
        end = W_ENCRYPTED;
        break;
      }
      if (t != CT_HANDSHAKE) { // an alert or a heartbeat: passed over once it is all here
        if (len - pos - RECORD_HDR < rlen) break;
        pos += RECORD_HDR + rlen;
        continue;
      }
      left = rlen;
      pos += RECORD_HDR;
      continue;
    }
    if (target >= 0 && <i64>hs == target) break;
    let n = len - pos;
    if (n > left) n = left;
    const room = target >= 0 ? <u32>target - hs : SCRATCH - hs;
    if (n > room) n = room;
    if (n == 0) break;
    if (target < 0) memory.copy(scratch + hs, data + pos, n);
    pos += n;
    left -= n;
    hs += n;
  }
  wPos = pos;
  wLeft = left;
  wHs = hs;
  wEnd = end;
}

/**
 * The end of the vector with a u16 byte count that starts extension data [d, d+len) (count
 * included), or 0 (counted) when it runs past the data.
 */
function vec16End(d: usize, len: u32): u32 {
  if (len < 2 || be16(d) + 2 > len) {
    malformed();
    return 0;
  }
  return be16(d) + 2;
}

/** A list of u16s after a u16 byte count, in extension data [d, d+len). */
function u16List(fld: Fld, d: usize, len: u32): void {
  const end = vec16End(d, len);
  if (end == 0) return;
  if ((end & 1) != 0) malformed();
  else evU16sBE(fld, d + 2, (end - 2) >> 1);
}

/** server_name: the first host_name. */
function serverName(d: usize, len: u32): void {
  const end = vec16End(d, len);
  let p: u32 = 2;
  while (p + 3 <= end) {
    const n = be16(d + p + 1);
    if (p + 3 + n > end) {
      malformed();
      return;
    }
    if (load<u8>(d + p) == 0) {
      evBytes(Fld.SNI, d + p + 3, n);
      return;
    }
    p += 3 + n;
  }
}

/** ALPN: one field per protocol name, in order. */
function alpn(d: usize, len: u32): void {
  const end = vec16End(d, len);
  let p: u32 = 2;
  while (p < end) {
    const n = <u32>load<u8>(d + p);
    if (p + 1 + n > end) {
      malformed();
      return;
    }
    evBytes(Fld.ALPN, d + p + 1, n);
    p += 1 + n;
  }
}

function clientExtension(type: u32, d: usize, len: u32): void {
  if (type == EXT_SERVER_NAME) serverName(d, len);
  else if (type == EXT_ALPN) alpn(d, len);
  else if (type == EXT_SUPPORTED_GROUPS) u16List(Fld.GROUPS, d, len);
  else if (type == EXT_SIGNATURE_ALGORITHMS) u16List(Fld.SIG_ALGS, d, len);
  else if (type == EXT_EC_POINT_FORMATS) {
    if (len < 1 || <u32>load<u8>(d) + 1 > len) malformed();
    else evU8sAsU16s(Fld.POINT_FORMATS, d + 1, <u32>load<u8>(d));
  } else if (type == EXT_SUPPORTED_VERSIONS) {
    if (len < 1 || (load<u8>(d) & 1) != 0 || <u32>load<u8>(d) + 1 > len) malformed();
    else evU16sBE(Fld.SUPPORTED_VERSIONS, d + 1, <u32>load<u8>(d) >> 1);
  }
}

function serverExtension(type: u32, d: usize, len: u32): void {
  if (type == EXT_ALPN) alpn(d, len);
  else if (type == EXT_SUPPORTED_VERSIONS) {
    if (len != 2) malformed();
    else {
      selected = be16(d);
      evU32(Fld.SELECTED_VERSION, selected);
    }
  }
}

/** The extensions block at offset `off` of a hello body [b, b+n): their fields and the type list. */
function extensions(b: usize, off: u32, n: u32, client: bool): void {
  let nt: u32 = 0;
  if (off + 2 <= n) {
    let end = off + 2 + be16(b + off);
    off += 2;
    if (end > n) {
      malformed();
      end = n;
    }
    while (off + 4 <= end) {
      const type = be16(b + off);
      const len = be16(b + off + 2);
      if (off + 4 + len > end) {
        malformed();
        break;
      }
      store<u16>(types + (<usize>nt << 1), load<u16>(b + off));
      nt++;
      if (client) clientExtension(type, b + off + 4, len);
      else serverExtension(type, b + off + 4, len);
      off += 4 + len;
    }
  }
  evU16sBE(Fld.EXTENSIONS, types, nt);
}

/** A ClientHello body [b, b+n) as an event; false (counted) when its fixed part is malformed. */
function clientHello(f: usize, b: usize, n: u32, ts: u64): bool {
  if (n < 35) return malformed();
  const sid = <u32>load<u8>(b + 34);
  let off: u32 = 35 + sid;
  if (off + 2 > n) return malformed();
  const cipherBytes = be16(b + off);
  off += 2;
  if ((cipherBytes & 1) != 0 || off + cipherBytes + 1 > n) return malformed();
  const ciphers = b + off;
  off += cipherBytes;
  off += 1 + <u32>load<u8>(b + off);
  if (off > n) return malformed();
  count(Ctr.TLS_CLIENT_HELLOS);
  evBegin(Ev.TLS_CLIENT_HELLO, f, ts, true);
  evU32(Fld.HANDSHAKE_VERSION, be16(b));
  evU16sBE(Fld.CIPHERS, ciphers, cipherBytes >> 1);
  extensions(b, off, n, true);
  evEnd();
  return true;
}

// What a ServerHello says about the rest of the server's side
@inline const SH_MALFORMED: i32 = -1;
@inline const SH_TLS12: i32 = 0;  // certificates may follow in clear
@inline const SH_TLS13: i32 = 1;  // everything after it is encrypted

function serverHello(f: usize, b: usize, n: u32, ts: u64): i32 {
  if (n < 35) {
    malformed();
    return SH_MALFORMED;
  }
  const sid = <u32>load<u8>(b + 34);
  const off: u32 = 35 + sid;
  if (off + 3 > n) {
    malformed();
    return SH_MALFORMED;
  }
  count(Ctr.TLS_SERVER_HELLOS);
  selected = 0;
  evBegin(Ev.TLS_SERVER_HELLO, f, ts, false);
  evU32(Fld.HANDSHAKE_VERSION, be16(b));
  evU32(Fld.CIPHER, be16(b + off));
  extensions(b, off + 3, n, false);
  evEnd();
  const v = selected != 0 ? selected : be16(b);
  return v == 0x0304 || (v >> 8) == 0x7f ? SH_TLS13 : SH_TLS12;
}

/** A Certificate body [b, b+n) (TLS <= 1.2): one field per certificate, the leaf first. */
function certificate(f: usize, b: usize, n: u32, ts: u64): void {
  if (n < 3) {
    malformed();
    return;
  }
  let end = be24(b) + 3;
  if (end > n) {
    malformed();
    end = n;
  }
  evBegin(Ev.TLS_CERTIFICATE, f, ts, false);
  let off: u32 = 3;
  while (off + 3 <= end) {
    const len = be24(b + off);
    if (off + 3 + len > end) {
      malformed();
      break;
    }
    evBytes(Fld.CERT, b + off + 3, len);
    count(Ctr.TLS_CERTIFICATES);
    off += 3 + len;
  }
  evEnd();
}

/**
 * One whole handshake message in the scratch buffer at handshake offset `at`; true when this
 * direction has nothing more to say in clear.
 */
function message(f: usize, fromOrig: bool, at: u32, ts: u64): bool {
  const m = scratch + <usize>at;
  const type = <u32>load<u8>(m);
  const body = m + MSG_HDR;
  const n = be24(m + 1);
  if (fromOrig) {
    if (type != HT_CLIENT_HELLO) return false;
    clientHello(f, body, n, ts);
    return true;
  }
  if (type == HT_SERVER_HELLO) return serverHello(f, body, n, ts) != SH_TLS12;
  if (type == HT_CERTIFICATE) certificate(f, body, n, ts);
  return type == HT_SERVER_HELLO_DONE;
}

/** Parse the next `len` bytes of one direction; returns how many were taken, or PARSER_DONE. */
export function tlsStream(f: usize, fromOrig: bool, data: usize, len: u32, st: usize, ts: u64, final: bool): u32 {
  if (load<u8>(st + TS_MODE) == M_STOP) return PARSER_DONE;
  // the unfinished message it stopped at is not whole in fewer bytes: no walk, no copy until then
  if (!final && len < load<u32>(st + TS_NEED)) return 0;
  walk(data, len, st, -1);
  const hsLen = wHs, endPos = wPos, endLeft = wLeft, ended = wEnd;
  let p: u32 = 0;
  let skip = load<u32>(st + TS_SKIP);
  if (skip > 0) {
    p = skip < hsLen ? skip : hsLen;
    skip -= p;
  }
  let stop = false;
  while (!stop && hsLen - p >= MSG_HDR) {
    const total = MSG_HDR + be24(scratch + p + 1);
    const avail = hsLen - p;
    if (total > avail) {
      // never whole in the window (or the scratch): skip it by its length
      if (total > streamWindow() || total > SCRATCH || (p == 0 && len >= streamWindow())) {
        count(Ctr.TLS_TOO_LARGE);
        skip = total - avail;
        p = hsLen;
      }
      break;
    }
    stop = message(f, fromOrig, p, ts);
    p += total;
  }
  store<u32>(st + TS_SKIP, skip);
  if (ended == W_MALFORMED && !stop) count(Ctr.TLS_MALFORMED);
  if (!stop && p < hsLen && (final || ended != W_MORE)) count(Ctr.TLS_INCOMPLETE);
  if (stop || final || ended != W_MORE) {
    store<u8>(st + TS_MODE, M_STOP);
    return PARSER_DONE;
  }
  // stop at the end of the last whole message, and note how long the next one is
  let consumed = endPos, left = endLeft, need: u32 = 0;
  if (p < hsLen) {
    walk(data, len, st, <i64>p);
    consumed = wPos;
    left = wLeft;
    if (hsLen - p >= MSG_HDR) need = MSG_HDR + be24(scratch + p + 1);
  }
  store<u32>(st + TS_REC_LEFT, left);
  store<u32>(st + TS_NEED, need);
  return consumed;
}

/** The buffer the host writes a ClientHello into for tlsParseClientHello (SCRATCH bytes). */
export function tlsScratch(): usize {
  return scratch;
}

/**
 * A ClientHello handshake message (u8 type 1, u24 length, body) in the first `len` bytes of the
 * scratch buffer, as carried outside a TCP stream (QUIC CRYPTO frames): appends an
 * Ev.TLS_CLIENT_HELLO event whose flow header is all zero (time 0). False when it is not a
 * whole, well-formed ClientHello (counted), or the events region is full.
 */
export function tlsClientHelloAt(len: u32): bool {
  if (len < MSG_HDR || len > SCRATCH || load<u8>(scratch) != <u8>HT_CLIENT_HELLO) return malformed();
  const n = be24(scratch + 1);
  if (MSG_HDR + n > len) return malformed();
  const before = eventsUsed();
  return clientHello(noFlow, scratch + MSG_HDR, n, 0) && eventsUsed() > before;
}
