// Application events → log records (Zeek's http, ssl and dns logs, and mcp), per shard. Each
// protocol has a tracker that pairs what belongs together (a request and its response, the
// hellos and certificates of one handshake) and hands back finished records; the end of a
// connection flushes whatever it left open. Only the trackers of the record kinds asked for run.

import type { AppEvent, EventType } from './app-events.js';
import type { WasmCore } from './wasm-core.js';
import { HttpTracker, HttpRecord } from './records/http.js';
import { DnsTracker, DnsRecord } from './records/dns.js';
import type { McpRecord } from './records/mcp.js';
import { QuicTracker, HelloParser } from './records/quic.js';
import { BurstTracker, BurstRecord } from './records/burst.js';
import { SslTracker, SslRecord } from './records/ssl.js';

export type AppRecord = HttpRecord | DnsRecord | McpRecord | SslRecord | BurstRecord;

/** Every kind of application record (its _path). */
export const APP_RECORD_KINDS: readonly AppRecord['_path'][] = ['http', 'mcp', 'ssl', 'dns', 'burst'];

/** Where finished records go. */
export interface RecordSink {
  push(r: AppRecord): unknown;
}

/** One protocol's pairing of events into records. */
export interface Tracker {
  /** The event types it takes. */
  readonly types: readonly EventType[];
  event(e: AppEvent, out: RecordSink): void;
  /** The connection with this uid ended: write what is still open. */
  close(uid: string, out: RecordSink): void;
}

export class AppRecords {
  private readonly quic: QuicTracker | undefined;
  private readonly trackers: Tracker[] = [];
  /** The trackers that take each event type. */
  private readonly byType = new Map<EventType, Tracker[]>();

  /**
   * parseHello: the core's TLS parser, for the ClientHellos that QUIC carries encrypted. kinds:
   * the records wanted, by _path (others, conn among them, are ignored).
   */
  constructor(core: WasmCore, parseHello: HelloParser, kinds: ReadonlySet<string> = new Set(APP_RECORD_KINDS)) {
    if (kinds.has('http') || kinds.has('mcp')) this.trackers.push(new HttpTracker(core, kinds.has('http'), kinds.has('mcp')));
    if (kinds.has('dns')) this.trackers.push(new DnsTracker());
    if (kinds.has('ssl')) {
      this.quic = new QuicTracker(parseHello);
      this.trackers.push(new SslTracker(), this.quic);
    }
    if (kinds.has('burst')) this.trackers.push(new BurstTracker());
    for (const t of this.trackers) {
      for (const type of t.types) this.byType.set(type, [...(this.byType.get(type) ?? []), t]);
    }
  }

  /** Counters kept on the host side (QUIC decryption). */
  counters(): Record<string, number> {
    return { ...this.quic?.counters };
  }

  events(list: AppEvent[], out: RecordSink): void {
    for (const e of list) {
      const trackers = e.type === undefined ? undefined : this.byType.get(e.type);
      if (trackers) for (const t of trackers) t.event(e, out);
    }
  }

  closed(uid: string, out: RecordSink): void {
    for (const t of this.trackers) t.close(uid, out);
  }
}
