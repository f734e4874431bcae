// Counters from all shards, merged: every shard decodes every frame, so the decode-stage
// counters (decoder.*, defrag.*, tunnel.*) are the same on each and are taken from shard 0;
// flow.* counters are each shard's share of the flows, and are summed.

export type Counters = Record<string, number>;

export function mergeCounters(perShard: Counters[]): Counters {
  const out: Counters = { ...perShard[0] };
  for (const name of Object.keys(out)) {
    if (name.startsWith('flow.')) out[name] = perShard.reduce((sum, c) => sum + (c[name] ?? 0), 0);
  }
  return out;
}
