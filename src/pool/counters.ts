// Counters from all shards, merged: every shard decodes every frame, so the decode-stage
// counters (decoder.*, defrag.*) are the same on each, and shard 0 alone keeps the tunnel
// sessions (tunnel.*): these are taken from shard 0. Everything after the flow split (flow.*,
// stream.*, app.*, http.* ...) is each shard's share, and is summed.

export type Counters = Record<string, number>;

const DECODE_STAGE = /^(decoder|defrag|tunnel)\./;

export function mergeCounters(perShard: Counters[]): Counters {
  const out: Counters = { ...perShard[0] };
  for (const name of Object.keys(out)) {
    if (!DECODE_STAGE.test(name)) out[name] = perShard.reduce((sum, c) => sum + (c[name] ?? 0), 0);
  }
  return out;
}
