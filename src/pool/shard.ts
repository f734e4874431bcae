// One shard of the sensor: a WASM core that owns 1/N of the flows, fed slab after slab. It runs
// the core until the slab is done, draining finished connection records whenever the core's
// output region fills. Piscina workers each hold one; tests and single-threaded tools use it
// directly.

import { Slab } from '../capture/slab.js';
import { WasmCore, CoreOptions } from './wasm-core.js';
import { ConnReader, ConnRecord } from './conn-record.js';
import { EventReader, AppEvent } from './app-events.js';
import { AppRecords, AppRecord } from './app-records.js';

/** Everything a shard writes: connection records and application records. */
export type LogRecord = ConnRecord | AppRecord;

export class Shard {
  readonly core: WasmCore;
  private readonly reader: ConnReader;
  private readonly events: EventReader;
  private readonly app: AppRecords;
  /** The core's TLS scratch buffer: the largest ClientHello it takes from outside TCP. */
  private readonly tlsScratchBytes: number;
  /** Records finished so far (also those not turned into objects). */
  records = 0;

  /** kinds: the application records wanted, by _path (all unless given). */
  constructor(opts: CoreOptions, kinds?: ReadonlySet<string>) {
    this.core = new WasmCore(opts);
    this.reader = new ConnReader(this.core);
    this.events = new EventReader(this.core);
    this.tlsScratchBytes = this.core.constant('TLS_SCRATCH_BYTES');
    this.app = new AppRecords(this.core, { maxBytes: this.tlsScratchBytes, parse: (hello) => this.parseClientHello(hello) }, kinds);
  }

  /**
   * Process every frame of a slab; the records finished meanwhile (connections, and what the
   * application layer made of them) go to `out`, or are only counted (connections) when there
   * is no `out`: turning them into objects is the costly part.
   */
  process(slab: Slab, out?: LogRecord[]): void {
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
  finish(out?: LogRecord[]): void {
    while (!this.core.exports.flush()) this.drain(out);
    this.drain(out);
  }

  counters(): Record<string, number> {
    return { ...this.core.counters(), ...this.app.counters() };
  }

  /** A ClientHello that did not come over TCP (QUIC): through the core's TLS parser. */
  private parseClientHello(hello: Uint8Array): AppEvent | undefined {
    const ex = this.core.exports;
    if (hello.length > this.tlsScratchBytes) return undefined;
    const before = ex.eventsUsed() >>> 0;
    this.core.bytes.set(hello, ex.tlsScratchPtr() >>> 0);
    if (!ex.tlsParseClientHello(hello.length)) return undefined;
    return this.events.read(before)[0];
  }

  /** Empty the core's output regions: application events first, then the connections that ended. */
  private drain(out: LogRecord[] | undefined): void {
    const ex = this.core.exports;
    this.records += ex.outputCount();
    if (out) {
      this.app.events(this.events.read(), out);
      for (const r of this.reader.read()) {
        this.app.closed(r.uid, out);
        out.push(r);
      }
    }
    ex.eventsClear();
    ex.outputClear();
  }
}
