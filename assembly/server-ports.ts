// Zeek's likely_server_ports: a connection whose first packet comes from one of these ports (and
// goes to a port that is not) is taken to come from the responder, and its roles are flipped.
// A 65536-bit set filled by the host (the list lives in src/pool/server-ports.ts).

let bits: usize = 0;

export function serverPortsInit(): void {
  bits = heap.alloc(8192);
  memory.fill(bits, 0, 8192);
}

export function addServerPort(port: u32): void {
  const p = bits + (<usize>(port & 0xffff) >> 3);
  store<u8>(p, load<u8>(p) | <u8>(1 << <u8>(port & 7)));
}

@inline export function isServerPort(port: u32): bool {
  return (load<u8>(bits + (<usize>port >> 3)) & <u8>(1 << <u8>(port & 7))) != 0;
}
