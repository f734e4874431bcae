// HTTP/1.x (RFC 9112): requests and responses parsed from the in-order stream, resumable across
// segments, pipelining and keep-alive included. Each message gives an event at the end of its
// header block (method, URI, Host and what kind of host it names, user agent, content type, the
// MCP headers; or status and reason), then its body is skipped by length, by chunks
// or until the connection closes, and an end event reports the body's length. JSON and
// event-stream bodies (what MCP speaks) are also passed on, their first BODY_CAPTURE bytes.
// Responses follow the request order: a response to HEAD, a 1xx, 204 or 304 has no body; a
// 101 or a successful CONNECT ends parsing, the bytes after it are another protocol.

import { Ctr, count } from "./counters";
import { Ev, Fld, evBegin, evBytes, evU32, evU64, evEnd } from "./events";
import { FL_APP_STATE } from "./flow";
import { PARSER_DONE } from "./app";

// Parser state, per direction (the flow's DIR_STATE area)
@inline const HS_MODE: usize = 0;      // u8 M_*
@inline const HS_CAPTURE: usize = 1;   // u8 pass the body on (JSON, event stream)
@inline const HS_DEPTH: usize = 4;     // u32 messages so far in this direction
@inline const HS_REMAIN: usize = 8;    // u64 body (or chunk) bytes still to come
@inline const HS_BODY_LEN: usize = 16; // u64 body bytes so far
@inline const HS_CAPTURED: usize = 24; // u32 body bytes passed on
@inline const HS_SCAN: usize = 28;     // u32 bytes of a pending header block already searched

@inline const M_START: u8 = 0;
@inline const M_BODY: u8 = 1;
@inline const M_CHUNK_SIZE: u8 = 2;
@inline const M_CHUNK_DATA: u8 = 3;
@inline const M_CHUNK_END: u8 = 4;
@inline const M_TRAILER: u8 = 5;
@inline const M_CLOSE: u8 = 6;
@inline const M_STOP: u8 = 7;

// Connection state shared by both directions (FL_APP_STATE)
@inline const HC_HEAD_MASK: usize = 0; // u32 queue of outstanding requests, 1 bit = HEAD
@inline const HC_PENDING: usize = 4;   // u8 requests awaiting their response (at most 32)
@inline const HC_CONNECT: usize = 5;   // u8 the oldest outstanding request is CONNECT

@inline const MAX_HEADERS: u32 = 128;
@inline const BODY_CAPTURE: u32 = 4096;

// Host kinds (Fld.HOST_KIND; a request without a Host header has none: the host reads HOST_MISSING)
export const HOST_NAME: u32 = 0;
export const HOST_IPV4: u32 = 1;
export const HOST_IPV6: u32 = 2;
export const HOST_MISSING: u32 = 3;

@inline function lower(c: u32): u32 {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Whether bytes [p, p+len) equal `name` ignoring ASCII case (name is lower case). */
function is(p: usize, len: u32, name: string): bool {
  if (<i32>len != name.length) return false;
  for (let i: u32 = 0; i < len; i++) if (lower(<u32>load<u8>(p + i)) != <u32>name.charCodeAt(<i32>i)) return false;
  return true;
}

function startsWith(p: usize, len: u32, prefix: string): bool {
  if (<i32>len < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (<u32>load<u8>(p + <usize>i) != <u32>prefix.charCodeAt(i)) return false;
  return true;
}

/** The first bytes of a stream are an HTTP request or response. */
export function looksLikeHttp(p: usize, len: u32): bool {
  return startsWith(p, len, "GET ") || startsWith(p, len, "POST") || startsWith(p, len, "HEAD") ||
    startsWith(p, len, "PUT ") || startsWith(p, len, "DELE") || startsWith(p, len, "OPTI") ||
    startsWith(p, len, "PATC") || startsWith(p, len, "CONN") || startsWith(p, len, "TRAC") ||
    startsWith(p, len, "HTTP");
}

/** The end of the line starting at p (index of its LF), or -1 if none before `end`. */
function lineEnd(p: usize, end: usize): isize {
  for (let q = p; q < end; q++) if (load<u8>(q) == 10) return <isize>q;
  return -1;
}

/** Length of the line [p, lf) without a trailing CR. */
@inline function lineLen(p: usize, lf: usize): u32 {
  return <u32>(lf > p && load<u8>(lf - 1) == 13 ? lf - 1 - p : lf - p);
}

/** Offset just past the blank line ending a header block that starts at `from`, or -1. */
function headersEnd(data: usize, from: u32, scan: u32, to: u32): i64 {
  let q = data + <usize>(scan > from ? scan : from);
  const end = data + <usize>to;
  while (q < end) {
    if (load<u8>(q) == 10) {
      if (q + 1 < end && load<u8>(q + 1) == 10) return <i64>(q + 2 - data);
      if (q + 2 < end && load<u8>(q + 1) == 13 && load<u8>(q + 2) == 10) return <i64>(q + 3 - data);
    }
    q++;
  }
  return -1;
}

/** A decimal number, or -1 if the bytes are not one. */
function decimal(p: usize, len: u32): i64 {
  if (len == 0 || len > 18) return -1;
  let v: i64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <i64>load<u8>(p + i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function hostKind(p: usize, len: u32): u32 {
  if (len == 0) return HOST_MISSING;
  if (load<u8>(p) == 91 /* [ */) return HOST_IPV6;
  // a dotted quad, optionally with :port
  let parts: u32 = 1, digits: u32 = 0, value: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(p + i);
    if (c == 58 /* : */) break;
    if (c == 46 /* . */) {
      if (digits == 0) return HOST_NAME;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + c - 48;
      if (++digits > 3 || value > 255) return HOST_NAME;
    } else {
      return HOST_NAME;
    }
  }
  return parts == 4 && digits > 0 ? HOST_IPV4 : HOST_NAME;
}

/** Trim spaces and tabs around [p, p+len): returns the new start; the length goes to trimmed. */
let trimmed: u32 = 0;
function trim(p: usize, len: u32): usize {
  let s = p, e = p + <usize>len;
  while (s < e && (load<u8>(s) == 32 || load<u8>(s) == 9)) s++;
  while (e > s && (load<u8>(e - 1) == 32 || load<u8>(e - 1) == 9)) e--;
  trimmed = <u32>(e - s);
  return s;
}

/** A method token: 1 to 24 upper-case letters, '-' or '_'. */
function isMethod(p: usize, len: u32): bool {
  if (len == 0 || len > 24) return false;
  for (let i: u32 = 0; i < len; i++) {
    const c = load<u8>(p + i);
    if (!((c >= 65 && c <= 90) || c == 45 || c == 95)) return false;
  }
  return true;
}

/** A request target: visible ASCII only. */
function isTarget(p: usize, len: u32): bool {
  if (len == 0) return false;
  for (let i: u32 = 0; i < len; i++) {
    const c = load<u8>(p + i);
    if (c <= 32 || c >= 127) return false;
  }
  return true;
}

/** "HTTP/" digit "." digit */
function isVersion(p: usize, len: u32): bool {
  if (len != 8 || !startsWith(p, len, "HTTP/")) return false;
  const a = load<u8>(p + 5), dot = load<u8>(p + 6), b = load<u8>(p + 7);
  return a >= 48 && a <= 57 && dot == 46 && b >= 48 && b <= 57;
}

/** Parse one message's header block [start, end) and emit its event; sets the body mode. */
function message(f: usize, fromOrig: bool, data: usize, start: u32, end: u32, st: usize, ts: u64): void {
  const p0 = data + <usize>start;
  const pEnd = data + <usize>end;
  const lf = lineEnd(p0, pEnd);
  const first = lineLen(p0, <usize>lf);
  const conn = f + FL_APP_STATE;
  // start line
  let sp1: u32 = 0;
  while (sp1 < first && load<u8>(p0 + sp1) != 32) sp1++;
  let sp2 = sp1 + 1;
  while (sp2 < first && load<u8>(p0 + sp2) != 32) sp2++;
  const valid = fromOrig
    ? isMethod(p0, sp1) && sp2 < first && isTarget(p0 + sp1 + 1, sp2 - sp1 - 1) && isVersion(p0 + sp2 + 1, first - sp2 - 1)
    : sp1 < first && isVersion(p0, sp1) && decimal(p0 + sp1 + 1, (sp2 <= first ? sp2 : first) - sp1 - 1) >= 100;
  if (!valid) {
    count(Ctr.HTTP_MALFORMED); // not HTTP (any more): stop here rather than guess
    store<u8>(st + HS_MODE, M_STOP);
    return;
  }
  let status: i64 = 0;
  let isHead = false, isConnect = false;
  const depth = load<u32>(st + HS_DEPTH) + 1;
  // With the events region full the event is dropped (counted) and its fields go nowhere, but
  // the message is still parsed: the body mode and the request queue must stay in step.
  if (fromOrig) {
    evBegin(Ev.HTTP_REQUEST, f, ts, true);
    evBytes(Fld.METHOD, p0, sp1);
    isHead = is(p0, sp1, "head");
    isConnect = is(p0, sp1, "connect");
    evBytes(Fld.URI, p0 + sp1 + 1, sp2 - sp1 - 1);
    evBytes(Fld.VERSION, p0 + sp2 + 6, 3);
    count(Ctr.HTTP_REQUESTS);
  } else {
    status = decimal(p0 + sp1 + 1, (sp2 <= first ? sp2 : first) - sp1 - 1);
    evBegin(Ev.HTTP_RESPONSE, f, ts, false);
    evBytes(Fld.VERSION, p0 + 5, 3);
    evU32(Fld.STATUS, <u32>status);
    if (sp2 < first) evBytes(Fld.REASON, p0 + sp2 + 1, first - sp2 - 1);
    count(Ctr.HTTP_RESPONSES);
  }
  // headers
  let contentLength: i64 = -1;
  let chunked = false, capture = false;
  let q = <usize>lf + 1;
  let n: u32 = 0;
  while (q < pEnd) {
    const e = lineEnd(q, pEnd);
    if (e < 0) break;
    const len = lineLen(q, <usize>e);
    if (len == 0) break;
    if (++n > MAX_HEADERS) {
      count(Ctr.HTTP_TOO_MANY_HEADERS);
      break;
    }
    let colon: u32 = 0;
    while (colon < len && load<u8>(q + colon) != 58) colon++;
    if (colon < len) {
      const v = trim(q + colon + 1, len - colon - 1);
      const vl = trimmed;
      if (is(q, colon, "host")) {
        evBytes(Fld.HOST, v, vl);
        evU32(Fld.HOST_KIND, hostKind(v, vl));
      } else if (is(q, colon, "user-agent")) evBytes(Fld.USER_AGENT, v, vl);
      else if (is(q, colon, "content-type")) {
        evBytes(Fld.CONTENT_TYPE, v, vl);
        capture = startsWith(v, vl, "application/json") || startsWith(v, vl, "text/event-stream");
      } else if (is(q, colon, "content-length")) contentLength = decimal(v, vl);
      else if (is(q, colon, "transfer-encoding")) {
        chunked = vl >= 7 && is(v + vl - 7, 7, "chunked");
      } else if (is(q, colon, "referer")) evBytes(Fld.REFERRER, v, vl);
      else if (is(q, colon, "mcp-session-id")) evBytes(Fld.MCP_SESSION_ID, v, vl);
      else if (is(q, colon, "mcp-protocol-version")) evBytes(Fld.MCP_PROTOCOL_VERSION, v, vl);
      else if (is(q, colon, "mcp-method")) evBytes(Fld.MCP_METHOD, v, vl);
      else if (is(q, colon, "mcp-name")) evBytes(Fld.MCP_NAME, v, vl);
    }
    q = <usize>e + 1;
  }

  // body mode, and the request queue that tells responses what they answer
  let mode = M_START;
  const pending = <u32>load<u8>(conn + HC_PENDING);
  if (fromOrig) {
    if (pending < 32) {
      const mask = load<u32>(conn + HC_HEAD_MASK);
      store<u32>(conn + HC_HEAD_MASK, isHead ? mask | (<u32>1 << pending) : mask);
      if (pending == 0) store<u8>(conn + HC_CONNECT, isConnect ? 1 : 0);
      store<u8>(conn + HC_PENDING, <u8>(pending + 1));
    }
    if (chunked) mode = M_CHUNK_SIZE;
    else if (contentLength > 0) mode = M_BODY;
  } else if (status >= 100 && status < 200) {
    if (status == 101) mode = M_STOP; // switching protocols
  } else {
    const mask = load<u32>(conn + HC_HEAD_MASK);
    const answersHead = pending > 0 && (mask & 1) != 0;
    const answersConnect = pending > 0 && load<u8>(conn + HC_CONNECT) != 0;
    if (pending > 0) {
      store<u32>(conn + HC_HEAD_MASK, mask >> 1);
      store<u8>(conn + HC_PENDING, <u8>(pending - 1));
      store<u8>(conn + HC_CONNECT, 0);
    }
    if (answersConnect && status >= 200 && status < 300) mode = M_STOP;
    else if (answersHead || status == 204 || status == 304) mode = M_START;
    else if (chunked) mode = M_CHUNK_SIZE;
    else if (contentLength >= 0) mode = contentLength > 0 ? M_BODY : M_START;
    else mode = M_CLOSE;
  }
  const interim = !fromOrig && status >= 100 && status < 200;
  if (!interim) store<u32>(st + HS_DEPTH, depth);
  evU32(Fld.TRANS_DEPTH, load<u32>(st + HS_DEPTH));
  evEnd();
  store<u8>(st + HS_MODE, mode);
  store<u8>(st + HS_CAPTURE, capture ? 1 : 0);
  store<u64>(st + HS_REMAIN, mode == M_BODY ? <u64>contentLength : 0);
  store<u64>(st + HS_BODY_LEN, 0);
  store<u32>(st + HS_CAPTURED, 0);
  if (!interim && (mode == M_START || mode == M_STOP)) bodyEnd(f, fromOrig, st, ts); // no body
}

/** Body bytes [p, p+n): counted, and the first BODY_CAPTURE of them passed on when asked. */
function bodyBytes(f: usize, fromOrig: bool, st: usize, p: usize, n: u32, ts: u64): void {
  store<u64>(st + HS_BODY_LEN, load<u64>(st + HS_BODY_LEN) + <u64>n);
  if (load<u8>(st + HS_CAPTURE) == 0) return;
  const done = load<u32>(st + HS_CAPTURED);
  if (done >= BODY_CAPTURE || n == 0) return;
  const take = n < BODY_CAPTURE - done ? n : BODY_CAPTURE - done;
  evBegin(Ev.HTTP_BODY_DATA, f, ts, fromOrig);
  evU32(Fld.TRANS_DEPTH, load<u32>(st + HS_DEPTH));
  evBytes(Fld.BODY, p, take);
  evEnd();
  store<u32>(st + HS_CAPTURED, done + take);
}

/** The end of a message, body or not: its body length, which also closes it for the host. */
function bodyEnd(f: usize, fromOrig: bool, st: usize, ts: u64): void {
  evBegin(Ev.HTTP_BODY_END, f, ts, fromOrig);
  evU32(Fld.TRANS_DEPTH, load<u32>(st + HS_DEPTH));
  evU64(Fld.BODY_LEN, load<u64>(st + HS_BODY_LEN));
  evEnd();
}

/** A chunk-size line's value (hex, extensions ignored), or -1. */
function chunkSize(p: usize, len: u32): i64 {
  let v: i64 = 0;
  let digits: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(p + i);
    let d: i64 = 0;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else break;
    if (++digits > 15) return -1;
    v = (v << 4) | d;
  }
  return digits == 0 ? -1 : v;
}

/** Parse the next `to` bytes of one direction; returns how many were taken. `final`: no more will come. */
export function httpStream(f: usize, fromOrig: bool, data: usize, to: u32, st: usize, ts: u64, final: bool): u32 {
  let pos: u32 = 0;
  while (true) {
    const mode = load<u8>(st + HS_MODE);
    if (mode == M_STOP) return PARSER_DONE;
    if (mode == M_START) {
      while (pos < to && (load<u8>(data + pos) == 13 || load<u8>(data + pos) == 10)) pos++;
      if (pos >= to) return pos;
      const he = headersEnd(data, pos, pos + load<u32>(st + HS_SCAN), to);
      if (he < 0) {
        if (final) {
          count(Ctr.HTTP_INCOMPLETE); // cut off
          return PARSER_DONE;
        }
        store<u32>(st + HS_SCAN, to - pos > 3 ? to - pos - 3 : 0);
        return pos;
      }
      store<u32>(st + HS_SCAN, 0);
      message(f, fromOrig, data, pos, <u32>he, st, ts);
      pos = <u32>he;
      continue;
    }
    if (mode == M_BODY || mode == M_CHUNK_DATA || mode == M_CLOSE) {
      const avail = to - pos;
      const remain = load<u64>(st + HS_REMAIN);
      const n = mode == M_CLOSE ? avail : (<u64>avail < remain ? avail : <u32>remain);
      bodyBytes(f, fromOrig, st, data + pos, n, ts);
      pos += n;
      if (mode != M_CLOSE) store<u64>(st + HS_REMAIN, remain - <u64>n);
      if (mode == M_CLOSE || remain - <u64>n > 0) {
        if (final) {
          bodyEnd(f, fromOrig, st, ts);
          return PARSER_DONE;
        }
        return pos;
      }
      if (mode == M_BODY) {
        bodyEnd(f, fromOrig, st, ts);
        store<u8>(st + HS_MODE, M_START);
      } else {
        store<u8>(st + HS_MODE, M_CHUNK_END);
      }
      continue;
    }
    // chunk framing and trailers: line by line
    const lf = lineEnd(data + pos, data + to);
    if (lf < 0) {
      if (final) {
        bodyEnd(f, fromOrig, st, ts);
        return PARSER_DONE;
      }
      return pos;
    }
    const line = data + pos;
    const len = lineLen(line, <usize>lf);
    pos = <u32>(<usize>lf + 1 - data);
    if (mode == M_CHUNK_END) {
      store<u8>(st + HS_MODE, M_CHUNK_SIZE);
    } else if (mode == M_CHUNK_SIZE) {
      const size = chunkSize(line, len);
      if (size < 0) {
        count(Ctr.HTTP_MALFORMED);
        bodyEnd(f, fromOrig, st, ts);
        store<u8>(st + HS_MODE, M_STOP);
      } else if (size == 0) {
        store<u8>(st + HS_MODE, M_TRAILER);
      } else {
        store<u64>(st + HS_REMAIN, <u64>size);
        store<u8>(st + HS_MODE, M_CHUNK_DATA);
      }
    } else if (len == 0) { // M_TRAILER: the blank line ends the message
      bodyEnd(f, fromOrig, st, ts);
      store<u8>(st + HS_MODE, M_START);
    }
  }
}
