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
  /** Records finished so far (also those not turned into objects). */
  records = 0;

  constructor(opts: CoreOptions) {
    this.core = new WasmCore(opts);
    this.reader = new ConnReader(this.core);
  }

  /**
   * Process every frame of a slab; the connection records that ended meanwhile go to `out`, or
   * are only counted when there is no `out` (reading them is the costly part).
   */
  process(slab: Slab, out?: ConnRecord[]): void {
    const ex = this.core.exports;
    this.core.load(slab);
    const n = slab.records;
    let i = 0;
    while (i < n) {
      i = ex.processRecords(this.core.indexPtr, this.core.dataPtr, i, n) >>> 0;
      this.drain(out);
    }
  }

  /** End of input: every open record. */
  finish(out?: ConnRecord[]): void {
    while (!this.core.exports.flush()) this.drain(out);
    this.drain(out);
  }

  counters(): Record<string, number> {
    return this.core.counters();
  }

  private drain(out: ConnRecord[] | undefined): void {
    this.records += this.core.exports.outputCount();
    if (out) for (const r of this.reader.read()) out.push(r);
    this.core.exports.outputClear();
  }
}
