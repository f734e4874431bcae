// One shard of the sensor: a WASM core that owns 1/N of the flows, fed slab after slab. It runs
// the core until the slab is done, draining finished connection records whenever the core's
// output region fills. Piscina workers each hold one; tests and single-threaded tools use it
// directly.

import { Slab } from '../capture/slab.js';
import { WasmCore, CoreOptions } from './wasm-core.js';
import { ConnReader, ConnRecord } from './conn-record.js';

export class Shard {
  readonly core: WasmCore;
  private readonly reader: ConnReader;

  constructor(opts: CoreOptions) {
    this.core = new WasmCore(opts);
    this.reader = new ConnReader(this.core);
  }

  /** Process every frame of a slab; returns the connection records that ended meanwhile. */
  process(slab: Slab, out: ConnRecord[] = []): ConnRecord[] {
    const ex = this.core.exports;
    this.core.load(slab);
    const n = slab.records;
    let i = 0;
    while (i < n) {
      i = ex.processRecords(this.core.indexPtr, this.core.dataPtr, i, n) >>> 0;
      this.drain(out);
    }
    return out;
  }

  /** End of input: every open record. */
  finish(out: ConnRecord[] = []): ConnRecord[] {
    while (!this.core.exports.flush()) this.drain(out);
    this.drain(out);
    return out;
  }

  counters(): Record<string, number> {
    return this.core.counters();
  }

  private drain(out: ConnRecord[]): void {
    for (const r of this.reader.read()) out.push(r);
    this.core.exports.outputClear();
  }
}
