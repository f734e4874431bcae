// A Piscina worker: one shard (one WASM core) of the sensor. It receives the slab ring once, in
// workerData, and then one small task per batch naming the slab to process; frames never travel
// as messages. Each task answers with the records finished during the batch: as NDJSON text for
// --events, and as objects for the detection engine on the main thread. Only the records one of
// them takes are made.

import { workerData } from 'node:worker_threads';
import { Slab } from '../capture/slab.js';
import { Shard, LogRecord } from './shard.js';
import type { CoreOptions } from './wasm-core.js';

export interface WorkerSetup {
  core: CoreOptions;
  slabs: SharedArrayBuffer[];
  /** Render records as NDJSON text in the worker (for --events). */
  ndjson: boolean;
  /** The kinds (_path) of record to send as objects (for the detection engine). */
  objects: readonly string[];
}

/** A task, numbered: a shard must get them in order (flow state depends on packet order). */
export type WorkerTask = ({ kind: 'ready' } | { kind: 'batch'; slab: number } | { kind: 'finish' }) & { seq: number };

export interface WorkerResult {
  records: number;
  /** NDJSON lines, when the setup asked for them. */
  text: string;
  /** The records the detection engine reads, when the setup asked for them (data bursts included). */
  logs?: LogRecord[];
  /** Counters (with the final task only). */
  counters?: Record<string, number>;
}

/** What --events writes: the logs (data bursts are not one: they are for the engine alone). */
const LOGS: ReadonlySet<string> = new Set<LogRecord['_path']>(['conn', 'http', 'ssl', 'dns', 'mcp']);

const setup = workerData as WorkerSetup;
const sent: ReadonlySet<string> = new Set(setup.objects);
const shard = new Shard(setup.core, new Set([...(setup.ndjson ? LOGS : []), ...sent]));
const slabs = setup.slabs.map((sab) => new Slab(setup.core.dataCapacity, setup.core.maxRecords, sab));

/** Runs one step of the shard and reports the records it finished, as the setup asked. */
function step(work: (out?: LogRecord[]) => void): WorkerResult {
  const before = shard.records;
  const out: LogRecord[] | undefined = setup.ndjson || sent.size > 0 ? [] : undefined;
  work(out);
  let text = '';
  if (setup.ndjson && out) for (const r of out) if (LOGS.has(r._path)) text += JSON.stringify(r) + '\n';
  return { records: shard.records - before, text, logs: sent.size > 0 ? out?.filter((r) => sent.has(r._path)) : undefined };
}

let expected = 0;

export default function run(task: WorkerTask): WorkerResult {
  if (task.seq !== expected) throw new Error(`shard got task ${task.seq} before task ${expected}: batches out of order`);
  expected++;
  if (task.kind === 'ready') return { records: 0, text: '' };
  if (task.kind === 'batch') return step((out) => shard.process(slabs[task.slab], out));
  const res = step((out) => shard.finish(out));
  res.counters = shard.counters();
  return res;
}
