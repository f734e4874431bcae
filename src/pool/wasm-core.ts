// The AssemblyScript core (build/core.wasm) in this thread: instantiated once, one input region
// that a whole slab is copied into per batch, typed views rebuilt only when memory grows (as
// undici does around llhttp). Offsets of everything the host reads come from the module's own
// exported constants, never from numbers written here; the slab index layout, which the host
// writes and the core reads, is checked against the core's at instantiation.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Slab, RECORD_WORDS, RECORD_BYTES, HEADER_BYTES, Rec } from '../capture/slab.js';
import { LIKELY_SERVER_PORTS } from './server-ports.js';

/** The core: build/core.wasm, or another build named by MIRRORSENSE_CORE_WASM (for development). */
const WASM_PATH = process.env.MIRRORSENSE_CORE_WASM ?? fileURLToPath(new URL('../../build/core.wasm', import.meta.url));

let compiled: WebAssembly.Module | undefined;

/** The compiled module, compiled once per thread. */
function coreModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(WASM_PATH));
  return compiled;
}

/** Flow timeouts in seconds of capture time (Zeek's defaults where Zeek has one). */
export interface Timeouts {
  tcpAttempt: number;
  tcpOpen: number;
  tcpClosed: number;
  udp: number;
  icmp: number;
  /** Split flows longer than this into several records; 0 = never. */
  active: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { tcpAttempt: 5, tcpOpen: 300, tcpClosed: 5, udp: 60, icmp: 60, active: 0 };

export interface CoreOptions {
  /** Largest slab the host sends: index capacity (records) and data capacity (bytes). */
  maxRecords: number;
  dataCapacity: number;
  vxlanPort?: number;
  genevePort?: number;
  /** Flow table bound per core, and the tunnel-session table's. */
  maxFlows?: number;
  maxTunnels?: number;
  /** This core owns the flows whose hash falls in shard `shard` of `shards`. */
  shard?: number;
  shards?: number;
  /** Window for recognising the second copy of a packet mirrored at both ends; 0 = off. */
  dedupWindowUs?: number;
  timeouts?: Partial<Timeouts>;
  /** VNI → address space, for VPCs whose address ranges overlap. */
  vniSpaces?: Record<number, number>;
  /** The application layer (TCP reassembly, HTTP, TLS, DNS, QUIC); on unless false. */
  appLayer?: boolean;
  /** TCP reassembly for the application layer: buffers in the pool, and the bytes each holds. */
  streamBuffers?: number;
  streamWindow?: number;
}

export const DEFAULT_VXLAN_PORT = 4789;
export const DEFAULT_GENEVE_PORT = 6081;
export const DEFAULT_MAX_FLOWS = 1 << 17;
const DEFAULT_MAX_TUNNELS = 1 << 16;
export const DEFAULT_DEDUP_WINDOW_US = 2000;
export const DEFAULT_STREAM_BUFFERS = 2048;
export const DEFAULT_STREAM_WINDOW = 16384;

type Exports = Record<string, unknown> & {
  memory: WebAssembly.Memory;
  init(inputCapacity: number, vxlanPort: number, genevePort: number, maxFlows: number, maxTunnels: number,
    shard: number, shards: number, dedupWindowUs: number, streamBuffers: number, streamWindow: number): void;
  setTimeouts(tcpAttempt: number, tcpOpen: number, tcpClosed: number, udp: number, icmp: number, active: number): void;
  mapVni(vni: number, space: number): number;
  addServerPort(port: number): void;
  setAppLayer(on: number): void;
  processRecords(indexPtr: number, dataPtr: number, from: number, to: number): number;
  flush(): number;
  outputPtr(): number;
  outputCount(): number;
  outputClear(): void;
  eventsPtr(): number;
  eventsUsed(): number;
  eventsClear(): void;
  /** A ClientHello from outside TCP (QUIC): write it at tlsScratchPtr(), parse it into an event. */
  tlsScratchPtr(): number;
  tlsParseClientHello(len: number): number;
  fieldCount(): number;
  fieldName(i: number): number;
  inputPtr(): number;
  decodeRecord(indexPtr: number, dataPtr: number, i: number): void;
  packetPtr(): number;
  countersPtr(): number;
  counterCount(): number;
  counterName(i: number): number;
};

export class WasmCore {
  readonly exports: Exports;
  readonly maxRecords: number;
  readonly dataCapacity: number;
  /** WASM address of the slab index copy, and of the slab data copy right after it. */
  readonly indexPtr: number;
  readonly dataPtr: number;
  private buffer: ArrayBuffer | undefined;
  private u8!: Uint8Array;
  private names: string[] | undefined;
  private fields: string[] | undefined;

  constructor(opts: CoreOptions) {
    const instance = new WebAssembly.Instance(coreModule(), {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          throw new Error(`WASM core aborted: ${this.string(msg)} at ${this.string(file)}:${line}:${col}`);
        },
      },
    });
    this.exports = instance.exports as Exports;
    for (const [name, word] of Object.entries({ WORDS: RECORD_WORDS, ...Rec })) {
      const core = this.constant(`REC_${name}`);
      if (core !== word) throw new Error(`slab index layout: the core has REC_${name} ${core}, src/capture/slab.ts ${word}`);
    }
    this.maxRecords = opts.maxRecords;
    this.dataCapacity = opts.dataCapacity;
    const indexBytes = opts.maxRecords * RECORD_BYTES;
    this.exports.init(indexBytes + opts.dataCapacity, opts.vxlanPort ?? DEFAULT_VXLAN_PORT,
      opts.genevePort ?? DEFAULT_GENEVE_PORT, opts.maxFlows ?? DEFAULT_MAX_FLOWS, opts.maxTunnels ?? DEFAULT_MAX_TUNNELS,
      opts.shard ?? 0, opts.shards ?? 1, opts.dedupWindowUs ?? DEFAULT_DEDUP_WINDOW_US,
      opts.streamBuffers ?? DEFAULT_STREAM_BUFFERS, opts.streamWindow ?? DEFAULT_STREAM_WINDOW);
    const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.exports.setTimeouts(t.tcpAttempt, t.tcpOpen, t.tcpClosed, t.udp, t.icmp, t.active);
    for (const port of LIKELY_SERVER_PORTS) this.exports.addServerPort(port);
    this.exports.setAppLayer(opts.appLayer === false ? 0 : 1);
    for (const [vni, space] of Object.entries(opts.vniSpaces ?? {})) {
      if (!this.exports.mapVni(Number(vni), space)) throw new Error('VNI map is full (4096 entries at most)');
    }
    this.indexPtr = this.exports.inputPtr() >>> 0;
    this.dataPtr = this.indexPtr + indexBytes;
  }

  /** A byte view of the whole WASM memory, current after any growth. */
  get bytes(): Uint8Array {
    const buf = this.exports.memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.u8 = new Uint8Array(buf);
    }
    return this.u8;
  }

  /** The value of an exported constant (a layout offset or flag). */
  constant(name: string): number {
    const g = this.exports[name] as WebAssembly.Global | undefined;
    if (!g) throw new Error(`WASM core has no export ${name}`);
    return g.value as number;
  }

  /** Copy the used part of a slab (index and data) into the input region: one copy per batch. */
  load(slab: Slab): void {
    if (slab.maxRecords > this.maxRecords || slab.dataCapacity > this.dataCapacity) {
      throw new Error(`slab (${slab.maxRecords} records, ${slab.dataCapacity} bytes) exceeds the core's input region`);
    }
    const m = this.bytes;
    m.set(new Uint8Array(slab.sab, HEADER_BYTES, slab.usedIndexBytes), this.indexPtr);
    m.set(new Uint8Array(slab.sab, slab.dataOffset, slab.dataBytes), this.dataPtr);
  }

  decodeRecord(i: number): void {
    this.exports.decodeRecord(this.indexPtr, this.dataPtr, i);
  }

  /** The names of application event fields, by field id. */
  fieldNames(): string[] {
    this.fields ??= Array.from({ length: this.exports.fieldCount() }, (_, i) => this.string(this.exports.fieldName(i)));
    return this.fields;
  }

  counterNames(): string[] {
    this.names ??= Array.from({ length: this.exports.counterCount() }, (_, i) => this.string(this.exports.counterName(i)));
    return this.names;
  }

  /** Every counter by name. */
  counters(): Record<string, number> {
    const names = this.counterNames();
    const base = this.exports.countersPtr() >>> 0;
    const view = new BigUint64Array(this.exports.memory.buffer, base, names.length);
    const out: Record<string, number> = {};
    names.forEach((n, i) => { out[n] = Number(view[i]); });
    return out;
  }

  /** An AssemblyScript string (UTF-16, byte length in the 4 bytes before it). */
  string(ptr: number): string {
    if (!ptr) return '';
    const m = this.bytes;
    const len = new DataView(m.buffer).getUint32(ptr - 4, true);
    return Buffer.from(m.buffer, ptr, len).toString('utf16le');
  }
}
