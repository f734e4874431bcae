// Application events (HTTP requests and responses, TLS hellos and certificates, DNS messages,
// QUIC Initials) as variable-size records in a bounded region the host drains, like the
// connection records in output.ts. A record is a header and a list of typed fields:
//
//   u32 size (bytes, header included)  u16 event type (Ev)  u16 flags (EVF_*)
//   u64 flow uid hash                  u64 capture time (ns)
//   16 bytes originator address        16 bytes responder address
//   u16 originator port  u16 responder port  u8 IP protocol  u24 VNI (with EVF_TUNNELLED)
//   fields: u8 field id (Fld), u8 kind (K_*), u16 length, then `length` bytes
//
// Field ids and their names are listed once here (FIELD_NAMES), and read by the host through
// exported functions; the layout (EVH_*, FE_*), the event types, flags and kinds through the
// constants assembly/index.ts exports: never retyped. A field that would not fit is dropped and
// counted.

import { Ctr, count } from "./counters";
import { copy16 } from "./bytes";
import { FL_UID, FL_ORIG, FL_RESP, FL_OPORT, FL_RPORT, FL_PROTO, FL_FLAGS, FL_VNI, FLF_PARENT1 } from "./flow";

export const enum Ev {
  HTTP_REQUEST = 1,
  HTTP_RESPONSE = 2,
  TLS_CLIENT_HELLO = 3,
  TLS_SERVER_HELLO = 4,
  TLS_CERTIFICATE = 5,
  DNS = 6,
  QUIC_INITIAL = 7,
  HTTP_BODY_DATA = 8,
  HTTP_BODY_END = 9,
  DATA_BURST = 10,
}

// Header offsets
@inline export const EVH_SIZE: usize = 0;   // u32 bytes, header and fields
@inline export const EVH_TYPE: usize = 4;   // u16 Ev
@inline export const EVH_FLAGS: usize = 6;  // u16 EVF_*
@inline export const EVH_UID: usize = 8;    // u64 the flow's uid hash
@inline export const EVH_TS: usize = 16;    // u64 capture time, ns since the epoch
@inline export const EVH_ORIG: usize = 24;  // 16 bytes
@inline export const EVH_RESP: usize = 40;  // 16 bytes
@inline export const EVH_OPORT: usize = 56; // u16
@inline export const EVH_RPORT: usize = 58; // u16
@inline export const EVH_PROTO: usize = 60; // u8 IP protocol
@inline export const EVH_VNI: usize = 61;   // u24, little-endian (with EVF_TUNNELLED)
@inline export const EVH_BYTES: usize = 64;

// Field entry offsets
@inline export const FE_ID: usize = 0;      // u8 Fld
@inline export const FE_KIND: usize = 1;    // u8 K_*
@inline export const FE_LEN: usize = 2;     // u16 bytes of value
@inline export const FE_BYTES: usize = 4;   // then the value

// Kinds of field values
export const K_BYTES: u8 = 0;  // raw bytes (text is left as the wire had it)
export const K_U32: u8 = 1;
export const K_U64: u8 = 2;
export const K_U16S: u8 = 3;   // a list of u16, little-endian

// Flags
export const EVF_ORIG: u16 = 1; // sent by the connection's originator
export const EVF_TUNNELLED: u16 = 2; // the connection came through a tunnel (VXLAN, GENEVE): the VNI is set

export const enum Fld {
  // HTTP
  METHOD, URI, VERSION, HOST, HOST_KIND, USER_AGENT, CONTENT_TYPE, BODY_LEN, BODY,
  STATUS, REASON, TRANS_DEPTH, REFERRER, MCP_SESSION_ID, MCP_PROTOCOL_VERSION, MCP_METHOD,
  // TLS
  HANDSHAKE_VERSION, SNI, ALPN, CIPHERS, EXTENSIONS, GROUPS, POINT_FORMATS, SIG_ALGS,
  SUPPORTED_VERSIONS, CIPHER, SELECTED_VERSION, CERT,
  // DNS
  DNS_ID, DNS_FLAGS, QUERY, QTYPE, QCLASS, ANSWER, ANSWER_TYPE, TTL,
  // QUIC
  PACKET,
  // HTTP (MCP, 2026 revision)
  MCP_NAME,
  COUNT,
}

export const FIELD_NAMES: string[] = [
  "method", "uri", "version", "host", "host_kind", "user_agent", "content_type", "body_len", "body",
  "status", "reason", "trans_depth", "referrer", "mcp_session_id", "mcp_protocol_version", "mcp_method",
  "handshake_version", "sni", "alpn", "ciphers", "extensions", "groups", "point_formats", "sig_algs",
  "supported_versions", "cipher", "selected_version", "cert",
  "dns_id", "dns_flags", "query", "qtype", "qclass", "answer", "answer_type", "ttl",
  "packet",
  "mcp_name",
];

@inline const CAP: u32 = 4 << 20;
/**
 * Room kept free when a packet starts: more than a packet usually produces, but not a bound. A
 * segment, or a stream window drained at once, of small pipelined messages can give several
 * times its size in events; what does not fit is dropped and counted, the parsers go on.
 */
@inline export const EV_RESERVE: u32 = 256 << 10;

let base: usize = 0;
let used: u32 = 0;
let open: u32 = 0;     // offset of the record being written
let writing = false;

export function eventsInit(): void {
  base = heap.alloc(<usize>CAP);
}

@inline export function eventsFree(): u32 {
  return CAP - used;
}

/**
 * Start a record about flow record f; false (counted) when the region is too full, and then the
 * field calls and evEnd do nothing: a parser calls them all the same and goes on parsing.
 */
export function evBegin(type: Ev, f: usize, tsNs: u64, fromOrig: bool): bool {
  if (CAP - used < <u32>EVH_BYTES + 64) {
    count(Ctr.APP_EVENTS_DROPPED);
    writing = false;
    return false;
  }
  open = used;
  const p = base + <usize>used;
  store<u16>(p + EVH_TYPE, <u16>type);
  const tunnelled = (load<u8>(f + FL_FLAGS) & FLF_PARENT1) != 0;
  store<u16>(p + EVH_FLAGS, (fromOrig ? EVF_ORIG : 0) | (tunnelled ? EVF_TUNNELLED : 0));
  store<u64>(p + EVH_UID, load<u64>(f + FL_UID));
  store<u64>(p + EVH_TS, tsNs);
  copy16(p + EVH_ORIG, f + FL_ORIG);
  copy16(p + EVH_RESP, f + FL_RESP);
  store<u16>(p + EVH_OPORT, load<u16>(f + FL_OPORT));
  store<u16>(p + EVH_RPORT, load<u16>(f + FL_RPORT));
  // the protocol and the VNI after it, in one store
  store<u32>(p + EVH_PROTO, <u32>load<u8>(f + FL_PROTO) | (load<u32>(f + FL_VNI) << 8));
  used += <u32>EVH_BYTES;
  writing = true;
  return true;
}

@inline function room(n: u32): bool {
  if (!writing) return false;
  if (CAP - used < n + <u32>FE_BYTES) {
    count(Ctr.APP_FIELDS_DROPPED);
    return false;
  }
  return true;
}

@inline function fieldHeader(f: Fld, kind: u8, len: u32): usize {
  const p = base + <usize>used;
  store<u8>(p + FE_ID, <u8>f);
  store<u8>(p + FE_KIND, kind);
  store<u16>(p + FE_LEN, <u16>len);
  used += <u32>FE_BYTES + len;
  return p + FE_BYTES;
}

/** Bytes (at most 65535; longer values are cut and counted). */
export function evBytes(f: Fld, ptr: usize, len: u32): void {
  if (len > 0xffff) {
    count(Ctr.APP_FIELDS_CUT);
    len = 0xffff;
  }
  if (!room(len)) return;
  memory.copy(fieldHeader(f, K_BYTES, len), ptr, <usize>len);
}

export function evU32(f: Fld, v: u32): void {
  if (!room(4)) return;
  store<u32>(fieldHeader(f, K_U32, 4), v);
}

export function evU64(f: Fld, v: u64): void {
  if (!room(8)) return;
  store<u64>(fieldHeader(f, K_U64, 8), v);
}

/** A list of big-endian u16 values read from the wire (n of them at ptr), stored little-endian. */
export function evU16sBE(f: Fld, ptr: usize, n: u32): void {
  if (n > 0x7fff) n = 0x7fff;
  if (!room(n << 1)) return;
  const d = fieldHeader(f, K_U16S, n << 1);
  for (let i: u32 = 0; i < n; i++) store<u16>(d + (<usize>i << 1), bswap<u16>(load<u16>(ptr + (<usize>i << 1))));
}

/** A list of u8 values read from the wire, stored as u16s. */
export function evU8sAsU16s(f: Fld, ptr: usize, n: u32): void {
  if (!room(n << 1)) return;
  const d = fieldHeader(f, K_U16S, n << 1);
  for (let i: u32 = 0; i < n; i++) store<u16>(d + (<usize>i << 1), <u16>load<u8>(ptr + <usize>i));
}

/** Close the record. */
export function evEnd(): void {
  if (!writing) return;
  store<u32>(base + <usize>open + EVH_SIZE, used - open);
  writing = false;
}

export function eventsPtr(): usize {
  return base;
}

export function eventsUsed(): u32 {
  return used;
}

export function eventsClear(): void {
  used = 0;
}
