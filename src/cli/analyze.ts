// `mirrorsense analyze`: a capture file through the worker pool, connection records out as
// NDJSON, and a summary of what was seen. Reading, decoding and writing overlap: the reader fills
// the next slab while the shards work on the previous ones, and records are written in batch order.

import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { openCaptureFile, CaptureSource } from '../capture/file-source.js';
import { CaptureError } from '../capture/errors.js';
import { SensorPool, type CoreSettings } from '../pool/pool.js';
import { mergeCounters, Counters } from '../pool/counters.js';
import type { WorkerResult } from '../pool/worker.js';
import { Progress } from './progress.js';
import { Engine, ENGINE_READS } from '../engine/engine.js';
import type { Alert } from '../engine/alert.js';
import { loadBaseline, saveBaseline } from '../engine/state.js';

export interface AnalyzeOptions {
  file: string;
  /** Where records go: a path, '-' for stdout, or nowhere. */
  events?: string;
  /** Where alerts go (NDJSON): a path, '-' for stdout. Detection runs when this or stateDir is set. */
  alerts?: string;
  /** The learning period: for this many seconds from the first record, or until this capture time. */
  learnFor?: number;
  learnUntil?: number;
  /** Where the learned baseline is kept between runs. */
  stateDir?: string;
  workers: number;
  core: CoreSettings;
  progress: boolean;
  slabBytes?: number;
  slabRecords?: number;
  slabs?: number;
}

export interface AnalyzeSummary {
  file: string;
  format: string;
  workers: number;
  frames: number;
  bytes: number;
  seconds: number;
  mpps: number;
  gbps: number;
  records: number;
  counters: Counters;
  /** Alerts by model (each alert once, however often it was updated). */
  alerts: Record<string, number>;
  /** When the learning period ended (ISO capture time), if detection ran. */
  learnedUntil?: string;
  /** Set when the capture file was cut short or corrupt: what was read before it is reported. */
  error?: { code: string; offset: number; message: string };
}

const DEFAULT_SLAB_BYTES = 2 << 20;
/** Learning period when none is given and no baseline was saved before: the first hour. */
const DEFAULT_LEARN_S = 3600;
const DEFAULT_SLAB_RECORDS = 16384;

/** A sink for NDJSON text that respects back-pressure. */
class TextSink {
  private constructor(private readonly stream: WriteStream | NodeJS.WriteStream, private readonly owned: boolean) {}

  static open(target: string | undefined): TextSink | undefined {
    if (!target) return undefined;
    if (target === '-') return new TextSink(process.stdout, false);
    return new TextSink(createWriteStream(target), true);
  }

  async write(text: string): Promise<void> {
    if (text.length > 0 && !this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    const done = once(this.stream, 'finish');
    this.stream.end();
    await done;
  }
}

export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeSummary> {
  const src: CaptureSource = openCaptureFile(opts.file);
  const sink = TextSink.open(opts.events);
  const alertSink = TextSink.open(opts.alerts);
  const detect = opts.alerts !== undefined || opts.stateDir !== undefined;
  const learned = opts.stateDir ? loadBaseline(opts.stateDir) : undefined;
  // The learning period as asked; when not asked, none after a saved baseline, else the default.
  const asked = opts.learnFor !== undefined || opts.learnUntil !== undefined;
  let alertText = '';
  const engine = detect ? new Engine({
    pol: learned,
    learnUntil: opts.learnUntil,
    learnFor: asked || learned ? opts.learnFor : DEFAULT_LEARN_S,
    vniSpaces: opts.core.vniSpaces,
    onAlert: alertSink ? (a: Alert) => { alertText += JSON.stringify(a) + '\n'; } : () => undefined,
  }) : undefined;
  const pool = new SensorPool({
    workers: opts.workers,
    slabs: opts.slabs ?? opts.workers + 3,
    slabBytes: opts.slabBytes ?? DEFAULT_SLAB_BYTES,
    slabRecords: opts.slabRecords ?? DEFAULT_SLAB_RECORDS,
    core: opts.core,
    ndjson: sink !== undefined,
    objects: engine ? ENGINE_READS : [],
  });
  const progress = opts.progress ? new Progress(src.bytesTotal) : undefined;
  let records = 0;
  let error: AnalyzeSummary['error'];
  let written: Promise<void> = Promise.resolve();
  const emit = (results: WorkerResult[]) => {
    for (const r of results) records += r.records;
    const text = results.map((r) => r.text).join('');
    if (engine) engine.ingest(results.flatMap((r) => r.logs ?? []));
    const alerts = alertText;
    alertText = '';
    written = written.then(async () => {
      await sink?.write(text);
      await alertSink?.write(alerts);
    });
    return written;
  };
  try {
    await pool.ready();
    const start = process.hrtime.bigint();
    const inflight = new Set<Promise<void>>();
    for (;;) {
      const slab = await pool.acquire();
      let n: number;
      try {
        n = src.fill(pool.slabs[slab]);
      } catch (e) {
        pool.release(slab);
        if (!(e instanceof CaptureError)) throw e;
        error = { code: e.code, offset: e.offset, message: e.message };
        break;
      }
      if (n === 0) {
        pool.release(slab);
        break;
      }
      const done: Promise<void> = pool.process(slab).then(emit).then(() => { inflight.delete(done); });
      inflight.add(done);
      progress?.update(src.bytesConsumed, src.frames);
    }
    await Promise.all(inflight);
    const final = await pool.finish();
    await emit(final);
    if (engine) {
      engine.finish();
      await emit([]);
      if (opts.stateDir) saveBaseline(opts.stateDir, engine.pol);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    progress?.stop();
    const counters = { ...mergeCounters(final.map((r) => r.counters ?? {})), ...engine?.counters() };
    const frames = counters['decoder.pkts'] ?? 0;
    const bytes = counters['decoder.bytes'] ?? 0;
    return {
      file: opts.file,
      format: src.format,
      workers: opts.workers,
      frames,
      bytes,
      seconds,
      mpps: seconds > 0 ? frames / seconds / 1e6 : 0,
      gbps: seconds > 0 ? (bytes * 8) / seconds / 1e9 : 0,
      records,
      counters,
      alerts: engine?.alertsByModel() ?? {},
      learnedUntil: engine?.learningEnds !== undefined ? new Date(engine.learningEnds * 1000).toISOString() : undefined,
      error,
    };
  } finally {
    progress?.stop();
    src.close();
    await written.catch(() => undefined);
    await sink?.close();
    await alertSink?.close();
    await pool.close();
  }
}
