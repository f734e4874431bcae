// Byte-order helpers for decoders. Callers check lengths first; these only load and swap.

@inline export function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

@inline export function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

@inline export function be24(p: usize): u32 {
  return (<u32>load<u8>(p) << 16) | (<u32>load<u8>(p, 1) << 8) | <u32>load<u8>(p, 2);
}

/** Copy 16 bytes (an address) with two 64-bit moves. */
@inline export function copy16(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(src));
  store<u64>(dst, load<u64>(src, 8), 8);
}

/** Store an IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d), so every address is 16 bytes. */
@inline export function storeMapped4(dst: usize, src: usize): void {
  store<u64>(dst, 0);
  store<u32>(dst, 0xffff0000, 8);
  store<u32>(dst, load<u32>(src), 12);
}

@inline export function eq16(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8);
}
