// The decoded view of one frame, rewritten in place for every frame (no allocation). Decoders
// append what they find; the flow stage reads the innermost layers; tests read every layer.
// The host reads the same bytes through the P_* offsets exported from index.ts.

// Flags (P_FLAGS)
export const F_TRUNC: u32 = 1;        // some layer was cut short (snap length, mirror PacketLength)
export const F_MALFORMED: u32 = 2;    // some field was impossible
export const F_FRAGMENT: u32 = 4;     // an IP fragment that did not complete a datagram
export const F_REASSEMBLED: u32 = 8;  // this frame completed a fragmented datagram
export const F_UNSUPPORTED: u32 = 16; // stopped at a protocol it does not decode
export const F_TOO_DEEP: u32 = 32;    // a depth limit stopped decoding

export const MAX_ETH: i32 = 4;
export const MAX_VLAN: i32 = 8;
export const MAX_TUNNELS: i32 = 4;
export const MAX_IP: i32 = 5;
export const MAX_L4: i32 = 5;

// Tunnel kinds (P_TUN_KIND)
export const TUN_VXLAN: u8 = 1;
export const TUN_GENEVE: u8 = 2;

@inline export const P_TS_NS: i32 = 0;        // u64 capture time, ns since the epoch
@inline export const P_CAPLEN: i32 = 8;       // u32
@inline export const P_WIRELEN: i32 = 12;     // u32
@inline export const P_FLAGS: i32 = 16;       // u32 F_*
@inline export const P_NETH: i32 = 20;        // u8 Ethernet headers seen
@inline export const P_NVLAN: i32 = 21;       // u8 VLAN tags seen (all depths)
@inline export const P_NTUN: i32 = 22;        // u8 tunnels (VXLAN, GENEVE) entered
@inline export const P_NIP: i32 = 23;         // u8 IP headers
@inline export const P_NL4: i32 = 24;         // u8 TCP/UDP/ICMP headers
@inline export const P_ETH_TYPE: i32 = 28;    // u16[MAX_ETH] each Ethernet header's type field
@inline export const P_VLAN_ID: i32 = 36;     // u16[MAX_VLAN]
@inline export const P_TUN_KIND: i32 = 52;    // u8[MAX_TUNNELS]
@inline export const P_TUN_IP: i32 = 56;      // u8[MAX_TUNNELS] index of the outer IP layer
@inline export const P_TUN_L4: i32 = 60;      // u8[MAX_TUNNELS] index of the outer UDP layer
@inline export const P_TUN_VNI: i32 = 64;     // u32[MAX_TUNNELS]
@inline export const P_IP: i32 = 80;          // IP_SIZE bytes per IP layer, MAX_IP of them
@inline export const IP_SRC: i32 = 0;         //   16 bytes (IPv4 as ::ffff:a.b.c.d)
@inline export const IP_DST: i32 = 16;        //   16 bytes
@inline export const IP_FAMILY: i32 = 32;     //   u8 4 or 6
@inline export const IP_PROTO: i32 = 33;      //   u8 protocol / final next header
@inline export const IP_ID: i32 = 36;         //   u32 IPv4 id or IPv6 fragment id
@inline export const IP_LEN: i32 = 40;        //   u32 length per the header (IP bytes)
@inline export const IP_SIZE: i32 = 44;
@inline export const P_L4: i32 = 300;         // L4_SIZE bytes per L4 header, MAX_L4 of them
@inline export const L4_PROTO: i32 = 0;       //   u8 6, 17, 1, 58
@inline export const L4_IP: i32 = 1;          //   u8 index of the IP layer it rides in
@inline export const L4_SPORT: i32 = 2;       //   u16 (ICMP: type)
@inline export const L4_DPORT: i32 = 4;       //   u16 (ICMP: code)
@inline export const L4_PAYLOAD: i32 = 6;     //   u16 UDP payload length per its header
@inline export const L4_SIZE: i32 = 8;
@inline export const P_TCP_SEQ: i32 = 340;    // u32 innermost TCP
@inline export const P_TCP_ACK: i32 = 344;    // u32
@inline export const P_TCP_FLAGS: i32 = 348;  // u16
@inline export const P_TCP_WIN: i32 = 350;    // u16
@inline export const P_PAYLOAD: i32 = 352;    // u32 address of the innermost payload in WASM memory
@inline export const P_PAYLOAD_CAP: i32 = 356; // u32 payload bytes present
@inline export const P_PAYLOAD_LEN: i32 = 360; // u32 payload bytes per the headers
@inline export const P_SIZE: i32 = 364;

export let pkt: usize = 0;

export function packetInit(): void {
  pkt = heap.alloc(<usize>P_SIZE);
  memory.fill(pkt, 0, <usize>P_SIZE);
}

/** Forget the previous frame: counts and flags only, arrays are valid up to their counts. */
@inline export function packetReset(tsNs: u64, caplen: u32, wirelen: u32): void {
  store<u64>(pkt + P_TS_NS, tsNs);
  store<u32>(pkt + P_CAPLEN, caplen);
  store<u32>(pkt + P_WIRELEN, wirelen);
  store<u32>(pkt + P_FLAGS, 0);
  store<u64>(pkt + P_NETH, 0); // NETH..NL4 and padding
  store<u32>(pkt + P_PAYLOAD_CAP, 0);
  store<u32>(pkt + P_PAYLOAD_LEN, 0);
  store<u64>(pkt + P_TCP_SEQ, 0); // and P_TCP_ACK
  store<u32>(pkt + P_TCP_FLAGS, 0); // and P_TCP_WIN
}

@inline export function flag(f: u32): void {
  store<u32>(pkt + P_FLAGS, load<u32>(pkt + P_FLAGS) | f);
}

@inline export function hasFlag(f: u32): bool {
  return (load<u32>(pkt + P_FLAGS) & f) != 0;
}

/** Tunnels (VXLAN, GENEVE) entered so far. */
@inline export function nTun(): i32 {
  return <i32>load<u8>(pkt + P_NTUN);
}

/** The VNI of the innermost tunnel; 0 without one. */
@inline export function innermostVni(): u32 {
  const n = nTun();
  return n > 0 ? load<u32>(pkt + P_TUN_VNI + ((n - 1) << 2)) : 0;
}

@inline export function nIp(): i32 {
  return <i32>load<u8>(pkt + P_NIP);
}

@inline export function nL4(): i32 {
  return <i32>load<u8>(pkt + P_NL4);
}

@inline export function ipLayer(i: i32): usize {
  return pkt + P_IP + <usize>(i * IP_SIZE);
}

@inline export function l4Layer(i: i32): usize {
  return pkt + P_L4 + <usize>(i * L4_SIZE);
}

/** Reserve the next IP layer slot; 0 when MAX_IP are in use. */
export function pushIp(): usize {
  const n = nIp();
  if (n >= MAX_IP) return 0;
  store<u8>(pkt + P_NIP, <u8>(n + 1));
  return ipLayer(n);
}

/** Record an L4 header; its slot, or 0 when MAX_L4 are in use. */
export function pushL4(proto: u8, sport: u16, dport: u16): usize {
  const n = nL4();
  if (n >= MAX_L4) return 0;
  const l = l4Layer(n);
  store<u8>(l + L4_PROTO, proto);
  store<u8>(l + L4_IP, <u8>(nIp() - 1));
  store<u16>(l + L4_SPORT, sport);
  store<u16>(l + L4_DPORT, dport);
  store<u16>(l + L4_PAYLOAD, 0);
  store<u8>(pkt + P_NL4, <u8>(n + 1));
  return l;
}
