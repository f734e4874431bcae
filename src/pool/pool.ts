// The worker pool: N shards, each a single-thread Piscina pool (so a shard's flows always live
// in the same WASM instance), fed from a ring of slabs that every
// shard reads. A slab returns to the ring once every shard is done with it, so memory is bounded
// by the ring and a slow shard applies back-pressure to the reader.

import { Piscina } from 'piscina';
import { fileURLToPath } from 'node:url';
import { Slab } from '../capture/slab.js';
import type { CoreOptions } from './wasm-core.js';
import type { WorkerSetup, WorkerTask, WorkerResult } from './worker.js';

/** A core's options as a caller chooses them: the pool sets the input region and the shard. */
export type CoreSettings = Omit<CoreOptions, 'maxRecords' | 'dataCapacity' | 'shard' | 'shards'>;

interface PoolOptions {
  workers: number;
  /** Slabs in the ring, their data capacity (bytes) and index capacity (frames). */
  slabs: number;
  slabBytes: number;
  slabRecords: number;
  core: CoreSettings;
  /** What workers send back besides counts: NDJSON text, and record objects of these kinds. */
  ndjson: boolean;
  objects: readonly string[];
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** Where the worker entry lives: the compiled file, or the tsx loader beside the sources. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts')
    ? fileURLToPath(new URL('./worker-dev.mjs', import.meta.url))
    : fileURLToPath(new URL('./worker.js', import.meta.url));
}

export class SensorPool {
  readonly slabs: Slab[];
  private readonly shards: Piscina[];
  /** Sequence number of the next task for every shard; workers refuse one out of order. */
  private seq = 0;
  private readonly free: number[];
  private waiting: ((slab: number) => void)[] = [];

  constructor(opts: PoolOptions) {
    this.slabs = Array.from({ length: opts.slabs }, () => new Slab(opts.slabBytes, opts.slabRecords));
    this.free = this.slabs.map((_, i) => i);
    const filename = workerFile();
    this.shards = Array.from({ length: opts.workers }, (_, shard) => {
      const setup: WorkerSetup = {
        core: { ...opts.core, maxRecords: opts.slabRecords, dataCapacity: opts.slabBytes, shard, shards: opts.workers },
        slabs: this.slabs.map((s) => s.sab),
        ndjson: opts.ndjson,
        objects: opts.objects,
      };
      // stricterFIFO: a task Piscina cannot hand over at once goes back to the front of the
      // queue, not the end, so a shard runs its tasks in the order they were submitted
      return new Piscina({ filename, minThreads: 1, maxThreads: 1, idleTimeout: Infinity, stricterFIFO: true, concurrentTasksPerWorker: 4, workerData: setup });
    });
  }

  /** The same task on every shard, queued behind what came before; results in shard order. */
  private runAll(task: DistributiveOmit<WorkerTask, 'seq'>): Promise<WorkerResult[]> {
    const seq = this.seq++;
    return Promise.all(this.shards.map((p) => p.run({ ...task, seq }) as Promise<WorkerResult>));
  }

  /** Resolves once every worker has started and instantiated its core. */
  async ready(): Promise<void> {
    await this.runAll({ kind: 'ready' });
  }

  /** A free slab (its index), waiting while every slab is in use. */
  acquire(): Promise<number> {
    const i = this.free.pop();
    if (i !== undefined) return Promise.resolve(i);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slab: number): void {
    const next = this.waiting.shift();
    if (next) next(slab);
    else this.free.push(slab);
  }

  /** Every shard processes the slab; it is released when all are done. Results in shard order. */
  async process(slab: number): Promise<WorkerResult[]> {
    try {
      return await this.runAll({ kind: 'batch', slab });
    } finally {
      this.release(slab);
    }
  }

  /** End of input: every shard writes out its open records and reports its counters. */
  finish(): Promise<WorkerResult[]> {
    return this.runAll({ kind: 'finish' });
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((p) => p.destroy()));
  }
}
