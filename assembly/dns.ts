// DNS messages (RFC 1035): over UDP, and over TCP with the two-byte length prefix (RFC 7766).
//  0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// |                      ID                       |
// |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
// |          QDCOUNT / ANCOUNT / NSCOUNT / ARCOUNT |  (four u16)
// +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
// then the questions (name, type, class) and the resource records (name, type, class, TTL,
// RDLENGTH, RDATA). Names are label sequences with compression pointers; every limit is
// enforced and counted: pointer jumps, name length, label length, records read.
// Each message becomes one Ev.DNS event: id, flags, the first question, and the answer
// section's records (addresses as raw bytes, names decoded, other data raw).

import { be16, be32 } from "./bytes";
import { Ctr, count } from "./counters";
import { Ev, Fld, evBegin, evBytes, evU32, evEnd } from "./events";
import { PARSER_DONE } from "./app";

@inline const HDR: u32 = 12;
@inline const MAX_JUMPS: u32 = 16;
@inline const MAX_NAME: u32 = 255;
@inline const MAX_ANSWERS: u32 = 32;

export const T_A: u32 = 1;
export const T_NS: u32 = 2;
export const T_CNAME: u32 = 5;
export const T_PTR: u32 = 12;
export const T_MX: u32 = 15;
export const T_AAAA: u32 = 28;

let nameBuf: usize = 0;
let nameLen: u32 = 0;
/** Where the name just read ends in the message (past its last label or first pointer). */
let nameEnd: u32 = 0;

export function dnsInit(): void {
  nameBuf = heap.alloc(MAX_NAME + 1);
}

/**
 * Read the name at offset `at` of the message [m, m+len) into nameBuf as dotted text. False
 * (counted) when it is malformed or exceeds a limit.
 */
function readName(m: usize, len: u32, at: u32): bool {
  nameLen = 0;
  nameEnd = 0;
  let pos = at;
  let jumps: u32 = 0;
  while (true) {
    if (pos >= len) return malformed();
    const l = <u32>load<u8>(m + pos);
    if (l == 0) {
      if (nameEnd == 0) nameEnd = pos + 1;
      return true;
    }
    if ((l & 0xc0) == 0xc0) {
      if (pos + 1 >= len) return malformed();
      if (nameEnd == 0) nameEnd = pos + 2;
      if (++jumps > MAX_JUMPS) {
        count(Ctr.DNS_TOO_MANY_JUMPS);
        return false;
      }
      const target = ((l & 0x3f) << 8) | <u32>load<u8>(m + pos + 1);
      if (target >= pos) return malformed(); // pointers go backwards, which also rules out loops
      pos = target;
      continue;
    }
    if ((l & 0xc0) != 0) return malformed(); // extended label types are not in use
    if (pos + 1 + l > len) return malformed();
    if (nameLen + l + (nameLen > 0 ? 1 : 0) > MAX_NAME) {
      count(Ctr.DNS_NAME_TOO_LONG);
      return false;
    }
    if (nameLen > 0) store<u8>(nameBuf + nameLen++, 46 /* . */);
    memory.copy(nameBuf + nameLen, m + pos + 1, l);
    nameLen += l;
    pos += 1 + l;
  }
}

function malformed(): bool {
  count(Ctr.DNS_MALFORMED);
  return false;
}

/** Parse one DNS message and emit its event. */
export function dnsMessage(f: usize, fromOrig: bool, m: usize, len: u32, ts: u64): void {
  count(Ctr.DNS_MESSAGES);
  if (len < HDR) {
    count(Ctr.DNS_MALFORMED);
    return;
  }
  const qd = be16(m + 4);
  const an = be16(m + 6);
  evBegin(Ev.DNS, f, ts, fromOrig);
  evU32(Fld.DNS_ID, be16(m));
  evU32(Fld.DNS_FLAGS, be16(m + 2));
  let pos = HDR;
  for (let q: u32 = 0; q < qd; q++) {
    if (!readName(m, len, pos) || nameEnd + 4 > len) break;
    if (q == 0) {
      evBytes(Fld.QUERY, nameBuf, nameLen);
      evU32(Fld.QTYPE, be16(m + nameEnd));
      evU32(Fld.QCLASS, be16(m + nameEnd + 2));
    }
    pos = nameEnd + 4;
  }
  for (let a: u32 = 0; a < an && pos < len; a++) {
    if (a >= MAX_ANSWERS) {
      count(Ctr.DNS_TOO_MANY_ANSWERS);
      break;
    }
    if (!readName(m, len, pos) || nameEnd + 10 > len) break;
    const type = be16(m + nameEnd);
    const ttl = be32(m + nameEnd + 4);
    const rdlen = be16(m + nameEnd + 8);
    const rdata = nameEnd + 10;
    if (rdata + rdlen > len) {
      count(Ctr.DNS_MALFORMED);
      break;
    }
    pos = rdata + rdlen;
    if ((type == T_A && rdlen == 4) || (type == T_AAAA && rdlen == 16)) {
      evBytes(Fld.ANSWER, m + rdata, rdlen);
    } else if (type == T_CNAME || type == T_PTR || type == T_NS || type == T_MX) {
      if (!readName(m, len, type == T_MX ? rdata + 2 : rdata)) continue;
      evBytes(Fld.ANSWER, nameBuf, nameLen);
    } else {
      evBytes(Fld.ANSWER, m + rdata, rdlen);
    }
    evU32(Fld.ANSWER_TYPE, type);
    evU32(Fld.TTL, ttl);
  }
  evEnd();
}

/** DNS over TCP: messages with a two-byte length prefix, several per segment or across segments. */
export function dnsTcpStream(f: usize, fromOrig: bool, data: usize, len: u32, ts: u64): u32 {
  let pos: u32 = 0;
  while (pos + 2 <= len) {
    const n = be16(data + pos);
    if (pos + 2 + n > len) break;
    dnsMessage(f, fromOrig, data + pos + 2, n, ts);
    pos += 2 + n;
  }
  return pos;
}
