// Run captures through the sensor for tests: in-process shards (no threads, fast, for checking
// records) or the real `analyze` pipeline with its Piscina workers.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCaptureFile } from '../../src/capture/file-source.js';
import { Slab } from '../../src/capture/slab.js';
import { Shard } from '../../src/pool/shard.js';
import type { ConnRecord } from '../../src/pool/conn-record.js';
import type { LogRecord } from '../../src/pool/shard.js';
import { analyze, AnalyzeOptions, AnalyzeSummary } from '../../src/cli/analyze.js';
import { mergeCounters, Counters } from '../../src/pool/counters.js';
import type { CoreSettings } from '../../src/pool/pool.js';

/**
 * Every record of a capture, from `shards` in-process shards fed the same slabs: `records` the
 * connections, `logs` everything (connections and the application records of `kinds`, all by default).
 */
export function shardRecords(file: string, core: CoreSettings = {}, shards = 1, kinds?: ReadonlySet<string>): { records: ConnRecord[]; logs: LogRecord[]; counters: Counters } {
  const slab = new Slab(1 << 20, 8192);
  const all = Array.from({ length: shards }, (_, shard) =>
    new Shard({ ...core, maxRecords: slab.maxRecords, dataCapacity: slab.dataCapacity, shard, shards }, kinds));
  const src = openCaptureFile(file);
  const logs: LogRecord[] = [];
  try {
    while (src.fill(slab) > 0) for (const s of all) s.process(slab, logs);
  } finally {
    src.close();
  }
  for (const s of all) s.finish(logs);
  const records = logs.filter((r): r is ConnRecord => r._path === 'conn');
  return { records, logs, counters: mergeCounters(all.map((s) => s.counters())) };
}

/** The real pipeline (worker threads), every record read back from its --events file. */
export async function analyzeRecords(file: string, opts: Partial<AnalyzeOptions> = {}): Promise<{ records: LogRecord[]; summary: AnalyzeSummary }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-'));
  const events = path.join(dir, 'conn.ndjson');
  try {
    const summary = await analyze({ file, events, workers: 1, progress: false, core: {}, ...opts });
    const text = readFileSync(events, 'utf8');
    const records = text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as LogRecord);
    return { records, summary };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records in a canonical order, for comparing runs whose output order may differ. */
export function canonical(records: LogRecord[]): string[] {
  return records.map((r) => JSON.stringify(r)).sort();
}
