// A flow always belongs to one shard, and every shard keeps the same capture clock: the records
// must not depend on how many workers there are. Checked on every corpus capture (in-process
// shards) and on a generated IMIX capture through the real worker pool.

import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { corpusFiles, pcapDir, corpusDir } from './helpers/corpus.js';
import { shardRecords, analyzeRecords, canonical } from './helpers/run.js';
import { tmpPath } from './helpers/tmpfile.js';

describe('same records with 1, 2 and 3 shards', () => {
  for (const file of corpusFiles()) {
    it(file, () => {
      const one = shardRecords(path.join(pcapDir, file));
      const two = shardRecords(path.join(pcapDir, file), {}, 2);
      const three = shardRecords(path.join(pcapDir, file), {}, 3);
      expect(canonical(two.logs)).toEqual(canonical(one.logs));
      expect(canonical(three.logs)).toEqual(canonical(one.logs));
      expect(two.counters).toEqual(one.counters);
    });
  }
});

describe('the worker pool on a generated capture', () => {
  let file = '';
  beforeAll(() => {
    file = tmpPath('imix.pcap');
    execFileSync(process.execPath, [path.join(corpusDir, '..', 'tools', 'gen-pcap.mjs'), file, '4', '0.25', '7']);
  });

  it('1 and 2 workers write the same connection records, and match the in-process shard', async () => {
    const one = await analyzeRecords(file, { workers: 1, slabBytes: 256 << 10, slabRecords: 2048 });
    const two = await analyzeRecords(file, { workers: 2, slabBytes: 256 << 10, slabRecords: 2048 });
    expect(one.records.length).toBeGreaterThan(1000);
    expect(one.records.filter((r) => r._path === 'http').length).toBeGreaterThan(50);
    expect(canonical(two.records)).toEqual(canonical(one.records));
    expect(canonical(shardRecords(file).logs)).toEqual(canonical(one.records));
    expect(two.summary.counters).toEqual(one.summary.counters);
    expect(one.summary.frames).toBe(one.summary.counters['flow.pkts'] + one.summary.counters['flow.no_key']);
  });
});
