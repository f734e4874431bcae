// A connection's state, laid out as a fixed-size record: the flow table keeps them, the output
// region receives copies of finished ones, and the host reads both through the FL_* and EP_*
// offsets exported from index.ts. Field meanings follow Zeek's conn.log and TCP analyzer.
// Everything about one side sits in an endpoint block (EP_*), originator's then responder's,
// so that reversing the roles of a connection (Zeek's FlipRoles) is a swap of two blocks.

// Cache-line plan (records are 128-byte aligned): a packet reads line 0 to find its record and
// writes lines 0, 2 and 3 (its side's hot block); lines 1 and 4-5 are touched rarely, lines 5-7
// only by packets with payload for the application layer.
// line 0
@inline export const FL_ORIG: usize = 0;       // 16 bytes originator address
@inline export const FL_RESP: usize = 16;      // 16 bytes responder address
@inline export const FL_OPORT: usize = 32;     // u16 (ICMP: type)
@inline export const FL_RPORT: usize = 34;     // u16 (ICMP: counterpart type, or code)
@inline export const FL_PROTO: usize = 36;     // u8
@inline export const FL_CLASS: usize = 37;     // u8 timeout class (flow-table.ts)
@inline export const FL_FLAGS: usize = 38;     // u8 FLF_*
@inline export const FL_SPACE: usize = 40;     // u32 address space
@inline export const FL_HIST_SEEN: usize = 44; // u32 bit per history letter (low half orig, high half resp)
@inline export const FL_HASH: usize = 48;      // u64 symmetric key hash
@inline export const FL_ACTIVE: usize = 56;    // u64 ns, last packet of any kind (idle timeouts)
// line 1
@inline export const FL_FIRST: usize = 64;     // u64 ns, first packet
@inline export const FL_LAST: usize = 72;      // u64 ns, last packet that counts for the duration
@inline export const FL_QUEUED: usize = 80;    // u64 ns, when it joined the tail of its timeout list
@inline export const FL_UID: usize = 88;       // u64 hash that the host renders as the uid
@inline export const FL_MISSED: usize = 96;    // u64 bytes in sequence gaps acknowledged but never seen
@inline export const FL_VNI: usize = 104;      // u32 innermost VNI of the first packet
@inline export const FL_PREV: usize = 108;     // u32 timeout list links (record index + 1; 0 = none)
@inline export const FL_NEXT: usize = 112;     // u32
@inline export const FL_HIST_LEN: usize = 116; // u8
@inline export const FL_TUN_KIND: usize = 117; // u8 for tunnel sessions: TUN_VXLAN / TUN_GENEVE
@inline export const FL_APP_PROTO: usize = 118; // u8 APP_* (here, on a line every packet touches anyway)
@inline export const FL_APP_FLAGS: usize = 119; // u8 AF_*
@inline export const FL_ORIG_DATA: usize = 120; // u64 ns, the originator's last payload (data bursts)
// lines 2-3: the endpoint blocks (EP_*), originator's then responder's
@inline export const FL_EP_ORIG: usize = 128;
@inline export const FL_EP_RESP: usize = 192;
// lines 4-5: each endpoint's cold fields sit EP_COLD past its block; tunnel parents; history
@inline export const FL_PARENT1: usize = 272;  // u64 uid hash of the tunnel session that carried it
@inline export const FL_PARENT2: usize = 280;  // u64 a second one (the other direction's tunnel)
@inline export const FL_HIST: usize = 288;     // HIST_MAX history letters
@inline export const HIST_MAX: usize = 32;
// line 5 (tail) and lines 6-7: the application layer (app.ts; its protocol and flags are in line 1)
@inline export const FL_STREAM_ORIG: usize = 340; // u32 stream buffer (index + 1) holding the originator's pending bytes
@inline export const FL_STREAM_RESP: usize = 344; // u32 ... the responder's
@inline export const FL_APP_STATE: usize = 348; // APP_STATE_SIZE bytes for the protocol's own use (both directions)
@inline export const APP_STATE_SIZE: usize = 36;
@inline export const FL_DIR_ORIG: usize = 384;  // DIR_SIZE bytes: the originator's stream position and parser state
@inline export const FL_DIR_RESP: usize = 448;  // ... the responder's
@inline export const DIR_CONSUMED: usize = 0;   // u64 stream offset up to which the parser has consumed
@inline export const DIR_STATE: usize = 8;      // DIR_STATE_SIZE bytes of parser state
@inline export const DIR_STATE_SIZE: usize = 56;
@inline export const DIR_SIZE: usize = 64;
@inline export const FL_SIZE: usize = 512;

// Endpoint block, relative to FL_EP_ORIG or FL_EP_RESP
@inline export const EP_PKTS: usize = 0;       // u64 packets
@inline export const EP_IP_BYTES: usize = 8;   // u64 sum of IP total lengths
@inline export const EP_BYTES: usize = 16;     // u64 UDP/ICMP payload bytes (TCP: from sequence numbers)
@inline export const EP_REL_LAST: usize = 24;  // u64 TCP: one past the highest sequence sent, relative to START
@inline export const EP_REL_ACK: usize = 32;   // u64 TCP: highest acknowledgement the peer sent, relative
@inline export const EP_START: usize = 40;     // u32 TCP: initial sequence number (or first seq - 1)
@inline export const EP_HOLE: usize = 44;      // u32 relative start of the open sequence gap
@inline export const EP_HOLE_LEN: usize = 48;  // u32 its length (0 = none)
@inline export const EP_STATE: usize = 52;     // u8 TCP endpoint state (tcp-state.ts); UDP/ICMP: 1 = active
@inline export const EP_PREV_STATE: usize = 53; // u8
@inline export const EP_FLAGS: usize = 54;     // u8 EPF_*
@inline export const EP_HIST_SYN: usize = 56;  // u32 relative seq of the last SYN put in the history
@inline export const EP_HIST_FIN: usize = 60;  // u32 ... FIN
@inline export const EP_SIZE: usize = 64;
@inline export const EP_COLD: usize = 128;     // cold fields: orig's at 256, resp's at 320
@inline export const EP_HIST_RST: usize = EP_COLD + 0; // u32 ... RST
@inline export const EP_RETX: usize = EP_COLD + 4;     // u32 retransmissions (scaled history T)
@inline export const EP_ZWIN: usize = EP_COLD + 8;     // u32 zero windows (W)
@inline export const EP_GAPS: usize = EP_COLD + 12;    // u32 content gaps (G)
@inline export const EP_COLD_SIZE: usize = 16;

// EP_FLAGS
@inline export const EPF_INIT: u8 = 1;         // sequence numbers initialised
@inline export const EPF_FIN: u8 = 2;          // a FIN was seen (Zeek's FIN_cnt > 0)
@inline export const EPF_CLOSED: u8 = 4;       // did_close: this side ended with FIN or RST
@inline export const EPF_HSYN: u8 = 8;         // EP_HIST_SYN holds a value
@inline export const EPF_HFIN: u8 = 16;
@inline export const EPF_HRST: u8 = 32;

// FL_FLAGS
@inline export const FLF_TUNNEL: u8 = 1;       // this record is a tunnel session (VXLAN/GENEVE)
@inline export const FLF_PARENT1: u8 = 2;      // FL_PARENT1 is set
@inline export const FLF_PARENT2: u8 = 4;      // FL_PARENT2 is set

/** The endpoint block of the packet's sender (fromOrig) or of its peer. */
@inline export function endpoint(f: usize, orig: bool): usize {
  return f + (orig ? FL_EP_ORIG : FL_EP_RESP);
}

function swap(a: usize, b: usize, n: usize): void {
  for (let i: usize = 0; i < n; i += 8) {
    const t = load<u64>(a + i);
    store<u64>(a + i, load<u64>(b + i));
    store<u64>(b + i, t);
  }
}

/** Swap the roles of originator and responder (Zeek's FlipRoles): key and endpoint blocks. */
export function flipRoles(f: usize): void {
  swap(f + FL_ORIG, f + FL_RESP, 16);
  const op = load<u16>(f + FL_OPORT);
  store<u16>(f + FL_OPORT, load<u16>(f + FL_RPORT));
  store<u16>(f + FL_RPORT, op);
  swap(f + FL_EP_ORIG, f + FL_EP_RESP, EP_SIZE);
  swap(f + FL_EP_ORIG + EP_COLD, f + FL_EP_RESP + EP_COLD, EP_COLD_SIZE);
  const so = load<u32>(f + FL_STREAM_ORIG);
  store<u32>(f + FL_STREAM_ORIG, load<u32>(f + FL_STREAM_RESP));
  store<u32>(f + FL_STREAM_RESP, so);
  swap(f + FL_DIR_ORIG, f + FL_DIR_RESP, DIR_SIZE);
}
