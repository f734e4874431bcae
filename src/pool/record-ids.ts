// What every record shares with its connection, connection records included: when (ts), the uid,
// the 5-tuple and the mirror session's VNI; the uid's text form, Zeek's; and how the core's u64s
// (uid hashes, ns times, counts) are read from its memory, exactly and without BigInt.

export interface RecordIds {
  ts: number;
  uid: string;
  'id.orig_h': string;
  'id.orig_p': number;
  'id.resp_h': string;
  'id.resp_p': number;
  /** The mirror session's VNI, when the connection came through a tunnel. */
  vni?: number;
}

/** The ids of a record, alone and in their order: for a record made from another. */
export function pickIds(r: RecordIds): RecordIds {
  return {
    ts: r.ts,
    uid: r.uid,
    'id.orig_h': r['id.orig_h'],
    'id.orig_p': r['id.orig_p'],
    'id.resp_h': r['id.resp_h'],
    'id.resp_p': r['id.resp_p'],
    vni: r.vni,
  };
}

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TWO32 = 4294967296;

/** A 64-bit value given as two 32-bit halves, in base 62, least significant digit first (Zeek's uitoa_n). */
function base62(hi: number, lo: number): string {
  let s = '';
  do {
    // long division of hi:lo by 62, 32 bits at a time, exact in doubles
    const rh = hi % 62;
    hi = (hi - rh) / 62;
    const cur = rh * TWO32 + lo;
    const r = cur % 62;
    lo = (cur - r) / 62;
    s += BASE62[r];
  } while (hi > 0 || lo > 0);
  return s;
}

/**
 * A uid in Zeek's format: "C", then a 32-bit and a 64-bit word in base 62, unpadded (usually
 * 18 characters). Zeek draws the 96 bits at random; here they derive from the core's hash of the
 * flow key and start time (hi:lo), so the same connection gets the same uid on every replay.
 */
export function uidString(hi: number, lo: number): string {
  const word32 = (Math.imul(hi ^ lo, 0x9e3779b1) ^ (hi >>> 7)) >>> 0;
  return `C${base62(0, word32)}${base62(hi, lo)}`;
}

/** The uid of the u64 hash at off (little-endian). */
export function uidAt(dv: DataView, off: number): string {
  return uidString(dv.getUint32(off + 4, true), dv.getUint32(off, true));
}

/** The u64 at off (little-endian) as a number, exact up to 2^53. */
export function u64At(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * TWO32 + dv.getUint32(off, true);
}

/** The u64 of ns since the epoch at off, in µs, exactly: 2^32 ns = 4294967 µs + 296 ns (ns exceed a double's 53 bits). */
export function microsAt(dv: DataView, off: number): number {
  const hi = dv.getUint32(off + 4, true);
  return hi * 4294967 + Math.floor((hi * 296 + dv.getUint32(off, true)) / 1000);
}
