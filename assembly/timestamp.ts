// Capture timestamps to nanoseconds since the epoch, from the index's (resolution, hi, lo).
// Classic pcap gives seconds and a fraction (split); pcapng a 64-bit tick count in units of
// 10^-n or 2^-n seconds (if_tsresol). JS numbers cannot hold either exactly; u64 can.

@inline const TS_SPLIT: u32 = 1 << 24;

const POW10: StaticArray<u64> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
  10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000, 1000000000000000,
  10000000000000000, 100000000000000000, 1000000000000000000, 10000000000000000000];

/** 10^n for n up to 19 (callers check). */
@inline function pow10(n: u32): u64 {
  return unchecked(POW10[n]);
}

export function toNs(linkWord: u32, hi: u32, lo: u32): u64 {
  const res = (linkWord >> 16) & 0xff;
  if ((linkWord & TS_SPLIT) != 0) {
    const frac = <u64>lo;
    if (res > 19) return <u64>hi * 1_000_000_000;
    const ns = res >= 9 ? frac / pow10(res - 9) : frac * pow10(9 - res);
    return <u64>hi * 1_000_000_000 + ns;
  }
  const ticks = (<u64>hi << 32) | <u64>lo;
  if ((res & 0x80) != 0) {
    const shift = <u64>(res & 0x7f);
    if (shift >= 64) return 0;
    const secs = ticks >> shift;
    const frac = ticks & ((<u64>1 << shift) - 1);
    // frac < 2^shift; scale in two steps so that frac * 1e9 cannot overflow for shift <= 34
    return secs * 1_000_000_000 + (shift <= 34 ? (frac * 1_000_000_000) >> shift : (frac >> (shift - 30)) * 1_000_000_000 >> 30);
  }
  if (res > 19) return 0;
  return res >= 9 ? ticks / pow10(res - 9) : ticks * pow10(9 - res);
}
