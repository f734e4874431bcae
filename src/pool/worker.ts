// A Piscina worker: one shard (one WASM core) of the sensor. It receives the slab ring once, in
// workerData, and then one small task per batch naming the slab to process; frames never travel
// as messages. Each task answers with the connection records that ended during the batch.

import { workerData } from 'node:worker_threads';
import { Slab } from '../capture/slab.js';
import { Shard } from './shard.js';
import type { CoreOptions } from './wasm-core.js';
import type { ConnRecord } from './conn-record.js';

export interface WorkerSetup {
  core: CoreOptions;
  slabs: SharedArrayBuffer[];
  /** Render records as NDJSON text in the worker (for --events), or only count them. */
  ndjson: boolean;
}

export type WorkerTask = { kind: 'ready' } | { kind: 'batch'; slab: number } | { kind: 'finish' };

export interface WorkerResult {
  records: number;
  /** NDJSON lines, when the setup asked for them. */
  text: string;
  /** Counters (with the final task only). */
  counters?: Record<string, number>;
}

const setup = workerData as WorkerSetup;
const shard = new Shard(setup.core);
const slabs = setup.slabs.map((sab) => Slab.from(sab, setup.core.dataCapacity, setup.core.maxRecords));

function result(records: ConnRecord[]): WorkerResult {
  let text = '';
  if (setup.ndjson) for (const r of records) text += JSON.stringify(r) + '\n';
  return { records: records.length, text };
}

export default function run(task: WorkerTask): WorkerResult {
  if (task.kind === 'ready') return result([]);
  if (task.kind === 'batch') return result(shard.process(slabs[task.slab]));
  const res = result(shard.finish());
  res.counters = shard.counters();
  return res;
}
