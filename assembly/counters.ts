// Counters: one flat u64 array indexed by Ctr, named once in NAMES (same order), read by the
// host without copying. Every decoder counts what it saw, what was cut short (trunc), what was
// invalid (malformed) and what it does not decode (unsupported), like Suricata's decoder.* stats.

export const enum Ctr {
  PKTS, BYTES,
  LINK_NULL, LINK_RAW, LINK_SLL, LINK_SLL2, LINK_TRUNC, LINK_UNSUPPORTED,
  ETH, ETH_TRUNC, ETH_UNSUPPORTED,
  VLAN, VLAN_TRUNC, VLAN_TOO_DEEP,
  IPV4, IPV4_TRUNC, IPV4_MALFORMED, IPV4_OPTS, IPV4_TRUNC_TUNNEL,
  IPV6, IPV6_TRUNC, IPV6_MALFORMED, IPV6_EXTHDRS, IPV6_EXTHDR_TOO_MANY, IPV6_TRUNC_TUNNEL,
  IP_UNSUPPORTED,
  FRAG4, FRAG6, FRAG_REASSEMBLED, FRAG_OVERLAP, FRAG_MALFORMED, FRAG_TIMEOUT, FRAG_NO_SLOT, FRAG_TOO_BIG,
  TCP, TCP_TRUNC, TCP_MALFORMED,
  UDP, UDP_TRUNC, UDP_MALFORMED,
  ICMP4, ICMP4_TRUNC, ICMP6, ICMP6_TRUNC,
  VXLAN, VXLAN_TRUNC, VXLAN_MALFORMED,
  GENEVE, GENEVE_TRUNC, GENEVE_UNSUPPORTED,
  TUNNEL_TOO_DEEP, LAYERS_TOO_DEEP,
  FLOW_PKTS, FLOW_NO_KEY, FLOW_PENDING_FRAG, FLOW_CREATED, FLOW_EXPIRED_IDLE, FLOW_EXPIRED_ACTIVE,
  FLOW_EVICTED, FLOW_FLUSHED, FLOW_MIRROR_DUP,
  TUNNEL_SESSIONS, TUNNEL_EXPIRED, TUNNEL_EVICTED, TUNNEL_FLUSHED,
  STREAM_BUFFERS, STREAM_NO_BUFFER, STREAM_GAP, STREAM_OUT_OF_ORDER, STREAM_OVERLAP, STREAM_WINDOW_FULL,
  STREAM_TOO_MANY_SEGMENTS,
  APP_EVENTS_DROPPED, APP_FIELDS_DROPPED, APP_FIELDS_CUT, APP_UNKNOWN,
  HTTP_REQUESTS, HTTP_RESPONSES, HTTP_MALFORMED, HTTP_INCOMPLETE, HTTP_TOO_MANY_HEADERS,
  DNS_MESSAGES, DNS_MALFORMED, DNS_TOO_MANY_JUMPS, DNS_NAME_TOO_LONG, DNS_TOO_MANY_ANSWERS,
  TLS_CLIENT_HELLOS, TLS_SERVER_HELLOS, TLS_CERTIFICATES, TLS_MALFORMED, TLS_TOO_LARGE, TLS_INCOMPLETE,
  COUNT,
}

export const NAMES: string[] = [
  "decoder.pkts", "decoder.bytes",
  "decoder.link.null", "decoder.link.raw", "decoder.link.sll", "decoder.link.sll2", "decoder.link.trunc", "decoder.link.unsupported",
  "decoder.ethernet", "decoder.ethernet.trunc", "decoder.ethernet.unsupported",
  "decoder.vlan", "decoder.vlan.trunc", "decoder.vlan.too_deep",
  "decoder.ipv4", "decoder.ipv4.trunc", "decoder.ipv4.malformed", "decoder.ipv4.options", "decoder.ipv4.trunc_in_tunnel",
  "decoder.ipv6", "decoder.ipv6.trunc", "decoder.ipv6.malformed", "decoder.ipv6.exthdrs", "decoder.ipv6.exthdr_too_many", "decoder.ipv6.trunc_in_tunnel",
  "decoder.ip.unsupported",
  "defrag.ipv4.fragments", "defrag.ipv6.fragments", "defrag.reassembled", "defrag.overlap", "defrag.malformed", "defrag.timeout", "defrag.no_slot", "defrag.too_big",
  "decoder.tcp", "decoder.tcp.trunc", "decoder.tcp.malformed",
  "decoder.udp", "decoder.udp.trunc", "decoder.udp.malformed",
  "decoder.icmpv4", "decoder.icmpv4.trunc", "decoder.icmpv6", "decoder.icmpv6.trunc",
  "decoder.vxlan", "decoder.vxlan.trunc", "decoder.vxlan.malformed",
  "decoder.geneve", "decoder.geneve.trunc", "decoder.geneve.unsupported",
  "decoder.tunnel.too_deep", "decoder.layers.too_deep",
  "flow.pkts", "flow.no_key", "flow.pending_fragment", "flow.created", "flow.expired_idle", "flow.expired_active",
  "flow.evicted", "flow.flushed", "flow.mirror_duplicate",
  "tunnel.sessions", "tunnel.expired", "tunnel.evicted", "tunnel.flushed",
  "stream.buffers", "stream.no_buffer", "stream.gap", "stream.out_of_order", "stream.overlap",
  "stream.window_full", "stream.too_many_segments",
  "app.events_dropped", "app.fields_dropped", "app.fields_cut", "app.unknown",
  "http.requests", "http.responses", "http.malformed", "http.incomplete", "http.too_many_headers",
  "dns.messages", "dns.malformed", "dns.too_many_jumps", "dns.name_too_long", "dns.too_many_answers",
  "tls.client_hellos", "tls.server_hellos", "tls.certificates", "tls.malformed", "tls.too_large", "tls.incomplete",
];

let base: usize = 0;

export function countersInit(): void {
  base = heap.alloc(<usize>Ctr.COUNT * 8);
  memory.fill(base, 0, <usize>Ctr.COUNT * 8);
}

@inline export function count(c: Ctr): void {
  const p = base + (<usize>c << 3);
  store<u64>(p, load<u64>(p) + 1);
}

@inline export function countN(c: Ctr, n: u64): void {
  const p = base + (<usize>c << 3);
  store<u64>(p, load<u64>(p) + n);
}

export function countersPtr(): usize {
  return base;
}
