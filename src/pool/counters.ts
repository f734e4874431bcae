// Counters from all shards, merged: every shard decodes every frame, so the decode-stage
// counters (decoder.*, defrag.*) are the same on each, and shard 0 alone keeps the tunnel
// sessions (tunnel.*): these are taken from shard 0. Everything after the flow split (flow.*,
// stream.*, app.*, http.*, quic.* ...) is each shard's share, and is summed over every name that
// any shard has.

export type Counters = Record<string, number>;

const DECODE_STAGE = /^(decoder|defrag|tunnel)\./;

export function mergeCounters(perShard: Counters[]): Counters {
  const out: Counters = {};
  perShard.forEach((counters, shard) => {
    for (const [name, n] of Object.entries(counters)) {
      if (!DECODE_STAGE.test(name)) out[name] = (out[name] ?? 0) + n;
      else if (shard === 0) out[name] = n;
    }
  });
  return out;
}
