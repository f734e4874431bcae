// Hashing for flow keys: splitmix64's finaliser, and a symmetric 5-tuple hash (A→B and B→A give
// the same value, so both directions of a flow land on the same worker and the same table slot).

@inline export function mix64(x: u64): u64 {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9;
  x ^= x >> 27;
  x *= 0x94d049bb133111eb;
  x ^= x >> 31;
  return x;
}

@inline function endpointHash(addr: usize, port: u32): u64 {
  return mix64(load<u64>(addr) ^ mix64(load<u64>(addr, 8) ^ (<u64>port << 48)));
}

/** Symmetric: the sum of the two endpoint hashes does not depend on their order. */
export function flowHash(a: usize, pa: u32, b: usize, pb: u32, proto: u32, space: u32): u64 {
  return mix64(endpointHash(a, pa) + endpointHash(b, pb) + ((<u64>space << 8) | <u64>proto));
}

/** The shard (worker) that owns a flow: high bits of its hash scaled to [0, shards). */
@inline export function shardOf(h: u64, shards: u32): u32 {
  return <u32>(((h >> 32) * <u64>shards) >> 32);
}
